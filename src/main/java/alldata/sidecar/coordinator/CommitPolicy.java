package alldata.sidecar.coordinator;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * When a task asks Kafka Streams for a commit. Waiting for {@code commit.interval.ms} would add that
 * interval to every put whose outcome waits for a commit: with {@code exactly_once_v2} everything a task
 * writes becomes visible only when its transaction commits; with {@code at_least_once} an outcome is held
 * until its ingest record's offset is committed (so that a replay never reports it differently). So a task
 * with output waiting asks for a commit at the end of its cycle: a lone put waits for one commit, not for the
 * interval. Under load, records that arrive while one commit runs are processed and committed together by the
 * next (group commit), and a minimum interval between asks bounds the commits per second, each of which costs
 * broker requests (with exactly-once, a marker in every partition the transaction touched).
 */
public final class CommitPolicy {
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
     * @param minIntervalMs shortest time between two asks of one task: under load, commits happen at most this
     *                      often, each covering everything processed meanwhile
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
     * At the end of a processing cycle: asks for a commit when output waits for one and the interval has passed.
     *
     * @param outcomesWaitForOffsets outcomes are held until their ingest offsets are committed (at_least_once)
     */
    public void endOfCycle(ProcessingContext context, long nowMs, boolean outcomesWaitForOffsets) {
        if (waiting(outcomesWaitForOffsets) && nowMs - lastAskMs >= minIntervalMs) {
            committed = produced;
            lastAskMs = nowMs;
            context.commit();
        }
    }

    /**
     * When the next ask is due (wall clock), or {@link Long#MAX_VALUE} when nothing waits for a commit: the
     * stream thread must not block in poll past it.
     */
    public long nextAskAtMs(boolean outcomesWaitForOffsets) {
        return waiting(outcomesWaitForOffsets) ? lastAskMs + minIntervalMs : Long.MAX_VALUE;
    }

    private boolean waiting(boolean outcomesWaitForOffsets) {
        return (exactlyOnce && produced > committed) || outcomesWaitForOffsets;
    }
}
