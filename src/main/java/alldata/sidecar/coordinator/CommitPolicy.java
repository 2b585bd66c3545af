package alldata.sidecar.coordinator;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * When a task asks Kafka Streams for a commit. Waiting for {@code commit.interval.ms} would add that
 * interval to every put whose outcome waits for a commit: with {@code exactly_once_v2} everything a task
 * writes becomes visible only when its transaction commits; with {@code at_least_once} an outcome is held
 * until its ingest record's offset is committed (so that a replay never reports it differently).
 *
 * <p>Adaptive, decided at the end of each processing cycle while output waits for a commit:
 * <ul>
 *   <li><b>idle</b> (the task processed no record in the cycle): ask at once. Nothing more is coming to share the
 *       commit with, so waiting would only add latency: a lone put waits for one commit, not for an interval.</li>
 *   <li><b>busy</b> (records keep arriving): group. Ask once {@code minIntervalMs} has passed since the last ask, so
 *       that one commit covers everything processed meanwhile; each commit costs broker requests (with
 *       exactly-once, a marker in every partition the transaction touched).</li>
 * </ul>
 * A commit blocks the stream thread, and records that arrive meanwhile make the next cycles busy: under load
 * commits group by themselves, at light load each outcome pays one commit.
 */
public final class CommitPolicy {
    /** What one end of a cycle decided; exposed for tests and logs. */
    public enum Decision {
        /** No output waits for a commit. */
        NOTHING_WAITS,
        /** Output waits and the task was idle: asked at once. */
        ASKED_IDLE,
        /** Output waits, the task is busy, and the grouping bound has passed: asked. */
        ASKED_BOUND,
        /** Output waits and the task is busy: grouping until the bound. */
        GROUPING
    }

    private final boolean exactlyOnce;
    private final long minIntervalMs;
    private long produced;
    private long committed;
    private long lastAskMs = Long.MIN_VALUE / 2;

    private CommitPolicy(boolean exactlyOnce, long minIntervalMs) {
        this.exactlyOnce = exactlyOnce;
        this.minIntervalMs = minIntervalMs;
    }

    /**
     * The policy for the task of {@code context}, from its processing guarantee.
     *
     * @param minIntervalMs shortest time between two asks of a busy task: under load, commits happen at most this
     *                      often, each covering everything processed meanwhile (an idle task asks at once)
     */
    public static CommitPolicy of(ProcessingContext context, long minIntervalMs) {
        return new CommitPolicy(StreamsConfig.EXACTLY_ONCE_V2.equals(
                context.appConfigs().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)), minIntervalMs);
    }

    /** True with {@code exactly_once_v2}: what the task writes is visible only once committed. */
    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    /** The task wrote {@code records}; with exactly-once, readers see them only once committed. */
    public void produced(long records) {
        produced += records;
    }

    /**
     * At the end of a processing cycle: asks for a commit when output waits for one and the task was idle, or was
     * busy and the bound has passed.
     *
     * @param outcomesWaitForOffsets outcomes are held until their ingest offsets are committed (at_least_once)
     * @param recordsInCycle         records the task processed since the previous end of a cycle
     */
    public Decision endOfCycle(ProcessingContext context, long nowMs, boolean outcomesWaitForOffsets, long recordsInCycle) {
        Decision d = decide(nowMs, outcomesWaitForOffsets, recordsInCycle);
        if (d == Decision.ASKED_IDLE || d == Decision.ASKED_BOUND) {
            committed = produced;
            lastAskMs = nowMs;
            context.commit();
        }
        return d;
    }

    private Decision decide(long nowMs, boolean outcomesWaitForOffsets, long recordsInCycle) {
        if (!waiting(outcomesWaitForOffsets)) {
            return Decision.NOTHING_WAITS;
        }
        if (recordsInCycle == 0) {
            return Decision.ASKED_IDLE;
        }
        return nowMs - lastAskMs >= minIntervalMs ? Decision.ASKED_BOUND : Decision.GROUPING;
    }

    /**
     * True while output waits for a commit: the stream thread must not block in poll past the next end of a cycle,
     * which may ask for it.
     */
    public boolean waiting(boolean outcomesWaitForOffsets) {
        return (exactlyOnce && produced > committed) || outcomesWaitForOffsets;
    }
}
