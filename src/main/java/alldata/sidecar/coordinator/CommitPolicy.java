package alldata.sidecar.coordinator;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * When a task asks Kafka Streams for a commit. With {@code exactly_once_v2} what a task writes becomes
 * visible only when its transaction commits, so waiting for {@code commit.interval.ms} would add that
 * interval to every put. Instead a task that produced output asks for a commit at the end of its cycle:
 * a lone put waits for one commit, not for the interval. Under load, records that arrive while one
 * commit runs are processed and committed together by the next (group commit), and a minimum gap
 * between asks bounds the commits per second, each of which writes a marker to every partition the
 * transaction touched. With {@code at_least_once} output is visible at once and nothing is asked.
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

    /** The task wrote {@code records} that readers see only once committed. */
    public void produced(long records) {
        produced += records;
    }

    /** At the end of a processing cycle: asks for a commit when output waits for one and the gap has passed. */
    public void endOfCycle(ProcessingContext context, long nowMs) {
        if (exactlyOnce && produced > committed && nowMs - lastAskMs >= minIntervalMs) {
            committed = produced;
            lastAskMs = nowMs;
            context.commit();
        }
    }

    /**
     * When the next ask is due (wall clock), or {@link Long#MAX_VALUE} when no output waits for a commit: the
     * stream thread must not block in poll past it.
     */
    public long nextAskAtMs() {
        return exactlyOnce && produced > committed ? lastAskMs + minIntervalMs : Long.MAX_VALUE;
    }
}
