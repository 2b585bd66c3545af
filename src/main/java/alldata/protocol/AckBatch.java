package alldata.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The answers one replica node has for one ack partition after one poll of its command topic.
 *
 * @param node the answering node
 * @param acks its answers; each names the same node
 */
public record AckBatch(String node, List<Ack> acks) implements AckRecord {
    public AckBatch {
        Objects.requireNonNull(node, "node");
        acks = List.copyOf(acks);
        for (Ack a : acks) {
            if (!a.node().equals(node)) {
                throw new IllegalArgumentException("ack from " + a.node() + " in a batch of " + node);
            }
        }
    }
}
