package alldata.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka client settings the client and the sidecars share, each said once. A setting the user gave
 * (for example through {@code kafka.*} keys) always wins over a default here, except where correctness
 * depends on it ({@code acks=all}).
 */
public final class ClientDefaults {
    /**
     * Producer linger: 0 sends as soon as the sender thread is free. Under load records still batch up
     * behind the in-flight requests, so throughput does not need a linger, and at light load every
     * millisecond of linger is a millisecond on every hop of a put.
     */
    public static final int LINGER_MS = 0;
    /**
     * Longest a fetch waits at the broker for data. With {@code fetch.min.bytes=1} a fetch returns as soon
     * as one record arrives, so this only bounds how long an idle fetch blocks.
     */
    public static final int FETCH_MAX_WAIT_MS = 10;

    private ClientDefaults() {
    }

    /** Producer settings for ingest records and acks: {@code acks=all}, idempotent, no linger. */
    public static Map<String, Object> producer(Map<String, ?> base) {
        Map<String, Object> p = new HashMap<>(base);
        p.put("acks", "all");
        p.putIfAbsent("enable.idempotence", true);
        p.putIfAbsent("linger.ms", LINGER_MS);
        return p;
    }

    /**
     * Consumer settings for whoever reads outcomes: {@code read_committed}, because coordinators publish
     * outcomes in transactions by default and an aborted transaction's outcome is not an outcome.
     */
    public static Map<String, Object> resultsConsumer(Map<String, ?> base) {
        Map<String, Object> c = new HashMap<>(base);
        c.put("isolation.level", "read_committed");
        c.put("enable.auto.commit", false);
        c.putIfAbsent("fetch.max.wait.ms", FETCH_MAX_WAIT_MS);
        return c;
    }
}
