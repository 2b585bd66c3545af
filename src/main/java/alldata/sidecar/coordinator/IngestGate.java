package alldata.sidecar.coordinator;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Back-pressure and wake-ups between the coordinator tasks and their stream thread's consumer
 * ({@link GatedConsumer}). A task whose pending puts reach their bound holds its ingest partition: the
 * consumer stops fetching it (acks still flow, so the puts drain) until the task releases it. A task
 * with work waiting for its next cycle (commands to flush, outcomes to commit) keeps a {@link WakeUp} set, so
 * that the consumer does not block in poll for longer than that.
 *
 * <p>Tasks write from their stream thread; consumers read on theirs; with several stream threads the
 * sets are shared, so they are concurrent.
 */
final class IngestGate {
    private final Set<TopicPartition> held = ConcurrentHashMap.newKeySet();
    private final java.util.Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final Set<WakeUp> wakeUps = ConcurrentHashMap.newKeySet();

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

    /**
     * A new wake-up for one task, which it owns until {@link #forget}: while it is set, the consumers do not block in
     * poll past it.
     */
    WakeUp wakeUp() {
        WakeUp w = new WakeUp();
        wakeUps.add(w);
        return w;
    }

    /** The task of {@code w} closed: its wake-up no longer shortens polls. */
    void forget(WakeUp w) {
        if (w != null) {
            wakeUps.remove(w);
        }
    }

    /**
     * How long a poll starting at {@code nowMs} may block, at most {@code requestedMs}: never past the earliest
     * wake-up. A poll never spends a wake-up: it stands until its task's cycle ran and set or cancelled it.
     * (A one-shot wake-up was spent by a poll that returned a moment before the task's 1 ms punctuation was due;
     * the next poll then blocked for Streams' whole {@code poll.ms}, 100 ms, with outcomes waiting for their
     * commit: the light-load p99.) Once passed, polls are {@value #PASSED_WAKE_UP_POLL_MS} ms, so that a late
     * punctuation does not spin the thread.
     */
    long pollTimeoutMs(long nowMs, long requestedMs) {
        long earliest = Long.MAX_VALUE;
        for (WakeUp w : wakeUps) {
            earliest = Math.min(earliest, w.atMs);
        }
        if (earliest == Long.MAX_VALUE) {
            return requestedMs;
        }
        return Math.min(requestedMs, Math.max(PASSED_WAKE_UP_POLL_MS, earliest - nowMs));
    }

    private static final long PASSED_WAKE_UP_POLL_MS = 1;

    /**
     * One task's wish that its stream thread not block in poll past a moment (wall clock): written on the task's
     * stream thread, read by the consumers' polls.
     */
    static final class WakeUp {
        private volatile long atMs = Long.MAX_VALUE;

        private WakeUp() {
        }

        /** Not past {@code atMs}; an earlier wish stands. */
        void by(long atMs) {
            if (atMs < this.atMs) {
                this.atMs = atMs;
            }
        }

        /** Exactly {@code atMs} from now on, replacing the wish before: the task's cycle ran and knows what waits. */
        void at(long atMs) {
            this.atMs = atMs;
        }

        /** Nothing of the task waits for a cycle: polls may block as long as Streams asks. */
        void cancel() {
            atMs = Long.MAX_VALUE;
        }
    }
}
