package alldata.sidecar.coordinator;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The next replica deadline of every pending put, in time order. Each put has at most one current
 * deadline; rescheduling leaves the old queue entry behind, and {@link #pollDue} skips entries that are no
 * longer current (lazy deletion: cheaper than removing from the middle of a heap on every ack).
 */
final class DeadlineIndex {
    private record Deadline(long atMs, String key) implements Comparable<Deadline> {
        @Override
        public int compareTo(Deadline o) {
            return Long.compare(atMs, o.atMs);
        }
    }

    private final PriorityQueue<Deadline> queue = new PriorityQueue<>();
    private final Map<String, Long> current = new HashMap<>();

    /** Makes {@code atMs} the deadline of {@code key}; {@link Long#MAX_VALUE} means none. */
    void schedule(String key, long atMs) {
        if (atMs == Long.MAX_VALUE) {
            current.remove(key);
            return;
        }
        Long previous = current.put(key, atMs);
        if (previous == null || previous != atMs) {
            queue.add(new Deadline(atMs, key));
        }
    }

    void remove(String key) {
        current.remove(key);
    }

    /** Hands every key whose deadline is at or before {@code nowMs} to {@code due}, once, earliest first. */
    void pollDue(long nowMs, Consumer<String> due) {
        Deadline d;
        while ((d = queue.peek()) != null && d.atMs() <= nowMs) {
            queue.poll();
            Long at = current.get(d.key());
            if (at != null && at == d.atMs()) {
                current.remove(d.key());
                due.accept(d.key());
            }
        }
        // stale entries pile up when acks keep moving deadlines: rebuild once they dominate
        if (queue.size() > 64 && queue.size() > 4 * current.size()) {
            queue.clear();
            current.forEach((key, at) -> queue.add(new Deadline(at, key)));
        }
    }

    int size() {
        return current.size();
    }

    void clear() {
        queue.clear();
        current.clear();
    }
}
