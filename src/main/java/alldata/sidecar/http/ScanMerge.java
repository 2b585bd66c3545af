package alldata.sidecar.http;

import alldata.protocol.ScanLines.Event;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One page of a scan, merged from the sorted event streams of several nodes: pure logic, no I/O of its own.
 *
 * <p>Each {@link Source} is one node's events after the cursor, in key order. The page takes the smallest key
 * of all sources at each step and skips keys it has already passed (replicas of one event on several nodes),
 * so every key comes once, in order. It stops at the event limit or before the byte cap would be exceeded
 * (always after at least one event), and says whether more remain.
 *
 * <p>A source may end early: a node that cuts its own page, or fails halfway. Past the last key such a
 * source gave, the page cannot know what that node holds, so it ends there and the next page (from the cursor
 * of its last key) asks again. A source that ends early before giving anything is left out, as if the node
 * were down: its events come from their other holders.
 */
final class ScanMerge {
    private ScanMerge() {
    }

    /** One node's events after the cursor, in key order. */
    interface Source {
        /** The next event, or null when this source has no more. */
        Event next();

        /** Once {@link #next} returned null: true when the source reached the end of the range, false when it ended early. */
        boolean complete();
    }

    /** Receives the page's events in order. */
    interface Sink {
        void accept(Event event) throws IOException;
    }

    /**
     * A page's size limits.
     *
     * @param maxEvents at most this many events (at least 1)
     * @param maxBytes  no more event bytes than this, unless the first event alone is larger
     */
    record Limits(int maxEvents, long maxBytes) {
        Limits {
            if (maxEvents < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("a page holds at least one event and one byte, got " + maxEvents
                        + " events, " + maxBytes + " bytes");
            }
        }
    }

    /**
     * How a page ended.
     *
     * @param events  events the page held
     * @param bytes   their bytes
     * @param lastKey the last key the page passed (its last event's key), or the cursor's when it held none
     * @param more    whether events may remain after {@code lastKey}
     */
    record PageEnd(int events, long bytes, String lastKey, boolean more) {
    }

    /**
     * Merges one page from {@code sources} into {@code sink}.
     *
     * @param after the cursor's key (keys up to it are skipped), or null for the start of the range
     */
    static PageEnd page(List<? extends Source> sources, String after, Limits limits, Sink sink) throws IOException {
        Heads heads = new Heads(sources, after);
        String last = after;
        int events = 0;
        long bytes = 0;
        while (true) {
            heads.skipUpTo(last);
            if (heads.endedEarly()) {
                return new PageEnd(events, bytes, last, true);
            }
            Event head = heads.peek();
            if (head == null) {
                return new PageEnd(events, bytes, last, false);
            }
            if (events == limits.maxEvents() || (events > 0 && bytes + head.event().length > limits.maxBytes())) {
                return new PageEnd(events, bytes, last, true);
            }
            heads.pop();
            sink.accept(head);
            last = head.key();
            events++;
            bytes += head.event().length;
        }
    }

    /**
     * The newest {@code maxEvents} distinct events of the sources, returned in key order, no more event bytes than
     * {@code maxBytes} (at least one event). Each source gives its own newest events in key order (its
     * {@link Source#complete()} is not consulted). Holds the answer in memory, bounded by the limits.
     *
     * <p>A node whose own limits cut its answer names the newest key it left out ({@code leftOut}). Had it given
     * that event too, it might have stood between the newest events and older ones that fit the byte cap, and
     * kept those out; so keys up to the largest left-out key are left out of the answer as well. The newest
     * events never are: a node's share of them fits its own limits.
     *
     * @param leftOut the newest key each cut node left out
     */
    static List<Event> newest(List<? extends Source> sources, Collection<String> leftOut, Limits limits) {
        Heads heads = new Heads(sources, null);
        Deque<Event> window = new ArrayDeque<>();
        long bytes = 0;
        String last = leftOut.stream().max(Comparator.naturalOrder()).orElse(null);
        while (true) {
            heads.skipUpTo(last);
            Event head = heads.peek();
            if (head == null) {
                return new ArrayList<>(window);
            }
            heads.pop();
            last = head.key();
            window.addLast(head);
            bytes += head.event().length;
            while (window.size() > limits.maxEvents() || (window.size() > 1 && bytes > limits.maxBytes())) {
                bytes -= window.removeFirst().event().length;
            }
        }
    }

    /** The current head of every source, smallest key first (ties: the source listed first). */
    private static final class Heads {
        private record Head(Event event, int source) {
        }

        private final List<? extends Source> sources;
        private final String after;
        private final boolean[] gaveBeyondCursor;

        private final PriorityQueue<Head> queue = new PriorityQueue<>(
                Comparator.comparing((Head h) -> h.event().key()).thenComparingInt(Head::source));
        private boolean endedEarly;

        Heads(List<? extends Source> sources, String after) {
            this.sources = sources;
            this.after = after;
            this.gaveBeyondCursor = new boolean[sources.size()];
            for (int i = 0; i < sources.size(); i++) {
                advance(i);
            }
        }

        Event peek() {
            Head h = queue.peek();
            return h == null ? null : h.event();
        }

        void pop() {
            advance(queue.poll().source());
        }

        /** Drops heads at or before {@code key}: replicas of events passed already (or keys before the cursor). */
        void skipUpTo(String key) {
            while (key != null && !queue.isEmpty() && queue.peek().event().key().compareTo(key) <= 0) {
                pop();
            }
        }

        /** True once a source that gave events beyond the cursor ended early: nothing past its last key is certain. */
        boolean endedEarly() {
            return endedEarly;
        }

        private void advance(int i) {
            Source s = sources.get(i);
            Event e = s.next();
            if (e != null) {
                gaveBeyondCursor[i] |= after == null || e.key().compareTo(after) > 0;
                queue.add(new Head(e, i));
            } else if (!s.complete() && gaveBeyondCursor[i]) {
                endedEarly = true;
            }
        }
    }
}
