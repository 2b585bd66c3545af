package alldata.sidecar.replica;

import alldata.protocol.Ack;
import alldata.protocol.ReplyTo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's answers to the puts of one poll, grouped by where they go ({@link ReplyTo}), in the order
 * the puts arrived. {@link AckSender} turns each group into one record.
 */
final class Answers {
    private final String node;
    private final Map<ReplyTo, List<Ack>> byRoute = new LinkedHashMap<>();

    Answers(String node) {
        this.node = node;
    }

    /** Adds {@code ack} (which names {@link #node()}) to the answers for {@code route}. */
    void add(ReplyTo route, Ack ack) {
        byRoute.computeIfAbsent(route, r -> new ArrayList<>()).add(ack);
    }

    String node() {
        return node;
    }

    /** The answers per route, in first-seen order. */
    Map<ReplyTo, List<Ack>> byRoute() {
        return Collections.unmodifiableMap(byRoute);
    }
}
