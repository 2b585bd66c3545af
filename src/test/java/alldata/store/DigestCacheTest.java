package alldata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.IntervalDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The kept digest rows in memory, against a map standing for the disk: a batch's new rows are the disk's rows moved by
 * the batch, only the rows not in memory are read, memory never runs ahead of the disk (a batch that is not written
 * leaves it as it was), and it stays within its bound.
 */
class DigestCacheTest {
    private static final List<String> INTERVALS =
            List.of("20261125T00", "20261125T01", "20261125T02", "20261125T03", "20261125T04", "20261125T05");

    /** One event counted into (or out of) the rows of its interval for {@code nodes}. */
    record Change(int interval, List<String> nodes, long hash, boolean add, boolean withAll) {
        void into(KeptDigests changes, int i) {
            String key = INTERVALS.get(interval) + "1500123-00000-" + i;
            if (add) {
                changes.add(key, hash, nodes, withAll);
            } else {
                changes.remove(key, hash, nodes);
            }
        }
    }

    sealed interface Op permits Write, Reconcile {
    }

    /** A write batch, written to the disk or failing there. */
    record Write(List<Change> changes, boolean written) implements Op {
        KeptDigests digests() {
            KeptDigests d = new KeptDigests();
            for (int i = 0; i < changes.size(); i++) {
                changes.get(i).into(d, i);
            }
            return d;
        }
    }

    /** A reconcile: the interval's rows on disk replaced by a recount's. */
    record Reconcile(int interval, Map<String, IntervalDigest> byNode) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<String> node = Arbitraries.of("n1", "n2", "n3", "n4");
        Arbitrary<Integer> interval = Arbitraries.integers().between(0, INTERVALS.size() - 1);
        Arbitrary<Change> change = Combinators.combine(interval, node.list().ofMaxSize(3), Arbitraries.longs(),
                Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Change::new);
        Arbitrary<Op> write = Combinators.combine(change.list().ofMinSize(1).ofMaxSize(8),
                Arbitraries.of(true, true, true, false)).as(Write::new);
        Arbitrary<IntervalDigest> digest = Combinators.combine(Arbitraries.longs().between(1, 1000), Arbitraries.longs())
                .as(IntervalDigest::new);
        Arbitrary<Op> reconcile = Combinators.combine(interval,
                Arbitraries.maps(Arbitraries.of("*", "n1", "n2", "n3", "n4"), digest).ofMaxSize(5)).as(Reconcile::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, write), net.jqwik.api.Tuple.of(1, reconcile)).list().ofMaxSize(40);
    }

    @Property(tries = 300)
    void rowsInMemoryAreAlwaysTheRowsOnDisk(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 12) int maxRows) {
        Map<String, IntervalDigest> disk = new HashMap<>();
        DigestCache cache = new DigestCache(maxRows);
        for (Op op : ops) {
            if (op instanceof Write w) {
                Set<String> cachedBefore = cache.rows().keySet();
                List<String> read = new ArrayList<>();
                Map<String, IntervalDigest> staged = cache.stage(w.digests(), rows -> {
                    assertThat(read).as("rows are read once per batch").isEmpty();
                    read.addAll(rows);
                    Map<String, IntervalDigest> onDisk = new HashMap<>();
                    rows.stream().filter(disk::containsKey).forEach(r -> onDisk.put(r, disk.get(r)));
                    return onDisk;
                });
                assertThat(staged).as("the batch's rows: the disk's, moved by the batch")
                        .isEqualTo(w.digests().apply(disk::get));
                Set<String> touched = new TreeSet<>(staged.keySet());
                touched.removeAll(cachedBefore);
                assertThat(new TreeSet<>(read)).as("only the rows not in memory are read").isEqualTo(touched);
                if (w.written()) {
                    disk.putAll(staged);
                    cache.written(staged);
                }
            } else if (op instanceof Reconcile r) {
                String interval = INTERVALS.get(r.interval());
                disk.keySet().removeIf(row -> row.startsWith(interval + "/"));
                r.byNode().forEach((n, d) -> disk.put(KeptDigests.row(interval, n), d));
                cache.replace(interval, r.byNode());
            }
            Map<String, IntervalDigest> inMemory = cache.rows();
            assertThat(inMemory.size()).as("bounded").isLessThanOrEqualTo(maxRows);
            inMemory.forEach((row, d) -> assertThat(d).as(row).isEqualTo(disk.get(row)));
        }
    }

    @Test
    void aBatchWhoseRowsAreInMemoryReadsNothing() {
        DigestCache cache = new DigestCache(16);
        Write first = new Write(List.of(new Change(0, List.of("n1", "n2"), 7, true, true)), true);
        cache.written(cache.stage(first.digests(), rows -> Map.of()));
        Write next = new Write(List.of(new Change(0, List.of("n2", "n1"), 9, true, true)), true);
        Map<String, IntervalDigest> staged = cache.stage(next.digests(), rows -> {
            throw new AssertionError("read " + rows);
        });
        assertThat(staged).containsEntry(KeptDigests.row(INTERVALS.get(0), "*"), new IntervalDigest(2, 7 ^ 9));
    }

    @Test
    void theLeastRecentlyUsedRowsLeaveFirst() {
        DigestCache cache = new DigestCache(2);
        cache.written(Map.of("a/*", IntervalDigest.EMPTY.plus(1)));
        cache.written(Map.of("b/*", IntervalDigest.EMPTY.plus(2)));
        KeptDigests touchA = new KeptDigests();
        touchA.add("a", 3, List.of(), true);
        cache.stage(touchA, rows -> Map.of()); // a staged batch uses row a: b is now the least recently used
        cache.written(Map.of("c/*", IntervalDigest.EMPTY.plus(4)));
        assertThat(cache.rows()).containsOnlyKeys("a/*", "c/*");
    }

    @Test
    void aCacheHoldsAtLeastOneRow() {
        assertThatThrownBy(() -> new DigestCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
