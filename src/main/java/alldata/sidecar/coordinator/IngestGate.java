package alldata.sidecar.coordinator;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Back-pressure and wake-ups between the coordinator tasks and their stream thread's consumer
 * ({@link GatedConsumer}). A task whose pending puts reach their bound holds its ingest partition: the
 * consumer stops fetching it (acks still flow, so the puts drain) until the task releases it. A task
 * with commands waiting to be flushed asks the consumer not to block in poll for longer than that.
 *
 * <p>Tasks write from their stream thread; consumers read on theirs; with several stream threads the
 * sets are shared, so they are concurrent.
 */
final class IngestGate {
    private final Set<TopicPartition> held = ConcurrentHashMap.newKeySet();
    private final java.util.Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private volatile long wakeByMs = Long.MAX_VALUE;

    void hold(TopicPartition ingest) {
        held.add(ingest);
    }

    void release(TopicPartition ingest) {
        held.remove(ingest);
    }

    boolean isHeld(TopicPartition ingest) {
        return held.contains(ingest);
    }

    Set<TopicPartition> held() {
        return Set.copyOf(held);
    }

    /** The main consumer committed these positions (at_least_once: records before them are never read again). */
    void offsetsCommitted(java.util.Map<TopicPartition, Long> positions) {
        positions.forEach((tp, position) -> committed.merge(tp, position, Math::max));
    }

    /** The last committed position of {@code tp}, or -1 before any commit this process saw. */
    long committedPosition(TopicPartition tp) {
        return committed.getOrDefault(tp, -1L);
    }

    /** Asks the consumers not to block in poll past {@code atMs} (wall clock). */
    void wakeBy(long atMs) {
        if (atMs < wakeByMs) {
            wakeByMs = atMs;
        }
    }

    /** How long a poll starting at {@code nowMs} may block, at most {@code requestedMs}; clears a passed wake-up. */
    long pollTimeoutMs(long nowMs, long requestedMs) {
        long wake = wakeByMs;
        if (wake == Long.MAX_VALUE) {
            return requestedMs;
        }
        wakeByMs = Long.MAX_VALUE;
        return Math.max(0, Math.min(requestedMs, wake - nowMs));
    }
}
