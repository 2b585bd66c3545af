package alldata.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.AllDataKey;
import alldata.protocol.ScanLines.Event;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Cluster scan pages over random clusters: a sorted key set split over 1..5 nodes with overlaps (each key on a
 * random non-empty set of nodes, as replication leaves it), random page limits and byte caps, nodes that cut
 * their own pages short, fail halfway or are down for a page. Following the cursors must give every key once,
 * in order, and lose nothing that a node up for the whole walk holds.
 */
class ScanMergeProperties {

    /** A cluster: each key's event and the nodes holding it. */
    private record Cluster(TreeMap<String, byte[]> events, TreeMap<String, Set<Integer>> holders, int nodes) {
        static Cluster random(long seed, int keyCount, int nodes) {
            Random r = new Random(seed);
            TreeMap<String, byte[]> events = new TreeMap<>();
            TreeMap<String, Set<Integer>> holders = new TreeMap<>();
            long ms = 1_790_000_000_000L;
            for (int i = 0; i < keyCount; i++) {
                ms += r.nextInt(3); // repeats of a millisecond too: keys then differ in their offset
                String key = AllDataKey.ingest(ms, r.nextInt(4), i).value();
                byte[] event = new byte[1 + r.nextInt(40)];
                r.nextBytes(event);
                events.put(key, event);
                Set<Integer> on = new LinkedHashSet<>();
                int mask = 1 + r.nextInt((1 << nodes) - 1);
                for (int n = 0; n < nodes; n++) {
                    if ((mask & (1 << n)) != 0) {
                        on.add(n);
                    }
                }
                holders.put(key, on);
            }
            return new Cluster(events, holders, nodes);
        }

        /** Node {@code n}'s events after {@code after}, in key order. */
        List<Event> held(int n, String after) {
            List<Event> out = new ArrayList<>();
            holders.forEach((k, on) -> {
                if (on.contains(n) && (after == null || k.compareTo(after) > 0)) {
                    out.add(new Event(k, events.get(k)));
                }
            });
            return out;
        }
    }

    /** A node's page as the merge sees it: cut after {@code cutAfter} events (its own limits), or failing at {@code failAt}. */
    private static final class NodePage implements ScanMerge.Source {
        private final List<Event> events;
        private final int cutAfter;
        private final int failAt;
        private int pos;
        private boolean complete;

        NodePage(List<Event> events, int cutAfter, int failAt) {
            this.events = events;
            this.cutAfter = cutAfter;
            this.failAt = failAt;
        }

        @Override
        public Event next() {
            if (pos == failAt || pos == cutAfter) {
                complete = false;
                return null;
            }
            if (pos == events.size()) {
                complete = true;
                return null;
            }
            return events.get(pos++);
        }

        @Override
        public boolean complete() {
            return complete;
        }
    }

    /** What a walk over every page gave. */
    private record Walk(List<String> keys, int pages) {
    }

    /**
     * Follows the cursors from the start. On each page every node, unless {@code down} on it, gives its events
     * after the cursor, cut short at random when {@code cuts}; {@code flaky} nodes may also fail at a random point.
     */
    private static Walk walk(Cluster c, int maxEvents, long maxBytes, long seed, boolean cuts, Set<Integer> flaky,
                             double downChance) throws Exception {
        Random r = new Random(seed);
        List<String> keys = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        while (true) {
            pages++;
            assertThat(pages).as("pages (a page must make progress)").isLessThanOrEqualTo(c.events().size() + 2);
            String after = cursor == null ? null : ScanCursor.lastKey(cursor);
            List<ScanMerge.Source> sources = new ArrayList<>();
            for (int n = 0; n < c.nodes(); n++) {
                boolean flakyNode = flaky.contains(n);
                if (flakyNode && r.nextDouble() < downChance) {
                    continue; // down for this page
                }
                List<Event> held = c.held(n, after);
                int cut = cuts ? 1 + r.nextInt(Math.max(1, maxEvents)) : Integer.MAX_VALUE;
                int fail = flakyNode && r.nextBoolean() ? r.nextInt(held.size() + 1) : Integer.MAX_VALUE;
                sources.add(new NodePage(held, cut, fail));
            }
            List<Event> page = new ArrayList<>();
            ScanMerge.PageEnd end = ScanMerge.page(sources, after, new ScanMerge.Limits(maxEvents, maxBytes), page::add);
            assertThat(page).hasSize(end.events());
            assertThat(page.size()).isLessThanOrEqualTo(maxEvents);
            long bytes = page.stream().mapToLong(e -> e.event().length).sum();
            assertThat(end.bytes()).isEqualTo(bytes);
            if (page.size() > 1) {
                assertThat(bytes).as("page bytes").isLessThanOrEqualTo(maxBytes);
            }
            for (Event e : page) {
                assertThat(e.event()).as("bytes of " + e.key()).isEqualTo(c.events().get(e.key()));
                keys.add(e.key());
            }
            if (!end.more()) {
                return new Walk(keys, pages);
            }
            assertThat(page).as("a page with more after it is never empty").isNotEmpty();
            assertThat(end.lastKey()).isEqualTo(page.get(page.size() - 1).key());
            cursor = ScanCursor.after(end.lastKey());
        }
    }

    @Property(tries = 300)
    void followingTheCursorsGivesEveryKeyOnceInOrder(@ForAll long seed, @ForAll @IntRange(max = 200) int keyCount,
                                                     @ForAll @IntRange(min = 1, max = 5) int nodes,
                                                     @ForAll @IntRange(min = 1, max = 50) int maxEvents,
                                                     @ForAll @LongRange(min = 1, max = 400) long maxBytes,
                                                     @ForAll boolean cuts) throws Exception {
        Cluster c = Cluster.random(seed, keyCount, nodes);
        Walk w = walk(c, maxEvents, maxBytes, seed, cuts, Set.of(), 0);
        assertThat(w.keys()).containsExactlyElementsOf(c.events().keySet());
    }

    @Property(tries = 300)
    void aNodeDownOrFailingForSomePagesLosesNothingAnotherNodeHolds(
            @ForAll long seed, @ForAll @IntRange(max = 200) int keyCount, @ForAll @IntRange(min = 2, max = 5) int nodes,
            @ForAll @IntRange(min = 1, max = 50) int maxEvents, @ForAll @LongRange(min = 1, max = 400) long maxBytes,
            @ForAll @IntRange(min = 1, max = 4) int flakyCount, @ForAll @IntRange(min = 0, max = 100) int downPercent)
            throws Exception {
        Cluster c = Cluster.random(seed, keyCount, nodes);
        Set<Integer> flaky = new LinkedHashSet<>();
        for (int n = 0; n < Math.min(flakyCount, nodes - 1); n++) {
            flaky.add((int) Math.floorMod(seed + n, nodes)); // never every node
        }
        Walk w = walk(c, maxEvents, maxBytes, seed, true, flaky, downPercent / 100.0);
        assertThat(w.keys()).as("each key once, in order").isSorted().doesNotHaveDuplicates();
        assertThat(c.events().keySet()).containsAll(w.keys());
        List<String> safe = new ArrayList<>();
        c.holders().forEach((k, on) -> {
            if (!flaky.containsAll(on)) {
                safe.add(k);
            }
        });
        assertThat(w.keys()).as("every key with a holder up throughout").containsAll(safe);
    }

    @Property(tries = 1000)
    void newestGivesTheLastEventsWithinTheLimits(@ForAll long seed, @ForAll @IntRange(max = 100) int keyCount,
                                                 @ForAll @IntRange(min = 1, max = 4) int nodes,
                                                 @ForAll @IntRange(min = 1, max = 30) int maxEvents,
                                                 @ForAll @LongRange(min = 1, max = 300) long maxBytes) {
        Cluster c = Cluster.random(seed, keyCount, nodes);
        List<ScanMerge.Source> sources = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            List<Event> held = c.held(n, null);
            // a node gives its own newest events within the same limits, in key order, and names the newest it left out
            List<Event> newest = ScanMerge.newest(List.of(new NodePage(held, Integer.MAX_VALUE, Integer.MAX_VALUE)),
                    List.of(), new ScanMerge.Limits(maxEvents, maxBytes));
            if (newest.size() < held.size()) {
                leftOut.add(held.get(held.size() - newest.size() - 1).key());
            }
            sources.add(new NodePage(newest, Integer.MAX_VALUE, Integer.MAX_VALUE));
        }
        List<String> got = ScanMerge.newest(sources, leftOut, new ScanMerge.Limits(maxEvents, maxBytes)).stream()
                .map(Event::key).toList();
        List<String> all = new ArrayList<>(c.events().keySet());
        List<String> expected = new ArrayList<>();
        long bytes = 0;
        for (int i = all.size() - 1; i >= 0; i--) {
            long size = c.events().get(all.get(i)).length;
            if (expected.size() == maxEvents || (!expected.isEmpty() && bytes + size > maxBytes)) {
                break;
            }
            expected.add(0, all.get(i));
            bytes += size;
        }
        assertThat(got).containsExactlyElementsOf(expected);
    }
}
