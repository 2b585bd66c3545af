package alldata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.AllDataKey;
import alldata.core.IntervalDigest;
import alldata.protocol.MetaUpdate;
import alldata.protocol.ReplicaMeta;
import alldata.testing.Tmpfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kept digests with their rows in memory, against real RocksDB: after writes, plan updates that move digests,
 * reconciles and reopening, the rows in memory are the rows on disk, and both follow a recount of the data; a
 * batch whose rows are in memory reads none of them.
 */
class DigestBookTest {
    private static final long T0 = 1_789_999_200_000L; // on the hour
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private static String key(long offsetMs) {
        return AllDataKey.ingest(T0 + offsetMs, 0, offsetMs).value();
    }

    private static ReplicaWrite write(String key, int i, String... plan) {
        return new ReplicaWrite(key, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                new ReplicaMeta(List.of(plan), "n1", 3, 0));
    }

    /** {@code n} events from {@code firstMs} on, one a minute, with plans naming three of n1..n4. */
    private static List<ReplicaWrite> writes(long firstMs, int n) {
        List<ReplicaWrite> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long at = firstMs + i * 60_000L;
            out.add(i % 2 == 0 ? write(key(at), i, "n1", "n2", "n3") : write(key(at), i, "n1", "n3", "n4"));
        }
        return out;
    }

    /** The rows of {@link ReplicaDigests#countedDigests} as the digests column family keys them. */
    private static Map<String, IntervalDigest> rows(Map<String, Map<String, IntervalDigest>> byInterval) {
        Map<String, IntervalDigest> out = new HashMap<>();
        byInterval.forEach((interval, byNode) -> byNode.forEach((node, d) -> out.put(KeptDigests.row(interval, node), d)));
        return out;
    }

    /** Every row in memory is what a recount gives (a row counting nothing is absent from a recount), and so is the disk. */
    private static void assertInStep(RocksReplicaStore store) {
        Map<String, IntervalDigest> counted = rows(store.countedDigests(null, null));
        Map<String, IntervalDigest> inMemory = store.cachedDigestRows();
        assertThat(inMemory).as("rows in memory").isNotEmpty();
        inMemory.forEach((row, d) -> assertThat(d).as(row).isEqualTo(counted.getOrDefault(row, IntervalDigest.EMPTY)));
        assertThat(store.keptDigests(null, null)).as("rows on disk").isEqualTo(store.countedDigests(null, null));
    }

    private static long digestReads(RocksReplicaStore store, Runnable batch) {
        long before = store.statistics().counter(StoreStatistics.Counter.MULTIGET_KEYS_READ);
        batch.run();
        return store.statistics().counter(StoreStatistics.Counter.MULTIGET_KEYS_READ) - before;
    }

    @Test
    void aBatchWhoseDigestRowsAreInMemoryReadsOnlyItsOwnKeys() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<ReplicaWrite> first = writes(0, 10);
            assertThat(digestReads(store, () -> store.write(first))).as("10 keys, and the 5 digest rows of the hour")
                    .isEqualTo(10 + 5);
            List<ReplicaWrite> next = writes(10 * 60_000L, 10);
            assertThat(digestReads(store, () -> store.write(next))).as("its 10 keys (write-once); no digest row")
                    .isEqualTo(10);
            assertInStep(store);
        }
    }

    @Test
    void rowsInMemoryFollowARecountThroughWritesDuplicatesAndPlanUpdates() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(writes(0, 90)); // an hour and a half
            assertInStep(store);
            store.write(writes(30 * 60_000L, 90)); // half duplicates, half new
            store.write(List.of(new ReplicaWrite(key(5), "{}".getBytes(StandardCharsets.UTF_8), null))); // no plan
            assertInStep(store);

            // repairs move events between nodes: n2 leaves key(0)'s plan, n5 joins; key(60s) gets a plan of one node
            assertThat(store.updatePlans(List.of(new MetaUpdate(key(0), List.of("n1", "n3", "n5"), 3, 7),
                    new MetaUpdate(key(60_000L), List.of("n4"), 3, 7),
                    new MetaUpdate(key(HOUR + 60_000L), List.of("n2", "n5"), 3, 7)), "n3"))
                    .containsOnly(PlanUpdateOutcome.APPLIED);
            assertInStep(store);
            assertThat(store.cachedDigestRows()).containsKey(KeptDigests.row(IntervalDigest.intervalOf(key(0)), "n5"));
        }
    }

    @Test
    void aReconcileLeavesTheRowsInMemoryAsItWroteThem() throws Exception {
        String gone = key(3 * 60_000L);
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(writes(0, 30));
        }
        StoreSurgery.deleteEvent(dir, gone); // its plan named n1, n3, n4
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            String hour = IntervalDigest.intervalOf(gone);
            store.write(writes(30 * 60_000L, 10)); // the hour's rows, read from disk, still count the lost event
            assertThat(store.cachedDigestRows().get(KeptDigests.row(hour, "n4")))
                    .isEqualTo(store.keptDigests(hour, IntervalDigest.upperBound(hour)).get(hour).get("n4"));
            assertThat(store.reconcileKeptDigests(hour)).isTrue();
            assertInStep(store);
            store.write(writes(40 * 60_000L, 10));
            assertInStep(store);
        }
    }

    @Test
    void aReopenedStoreReadsItsRowsAgainOnFirstTouch() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(writes(0, 20));
        }
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.cachedDigestRows()).as("nothing in memory at open").isEmpty();
            List<ReplicaWrite> more = writes(20 * 60_000L, 10);
            assertThat(digestReads(store, () -> store.write(more))).as("10 keys, and the hour's 5 rows once")
                    .isEqualTo(10 + 5);
            assertInStep(store);
        }
    }

    @Test
    void rowsThatLeftMemoryAreReadAgainWhenTouched() {
        int hours = DigestBook.CACHED_ROWS / 5 + 10; // five rows an hour: more than memory holds
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<ReplicaWrite> spread = new ArrayList<>();
            for (int h = 0; h < hours; h++) {
                spread.addAll(writes(h * HOUR, 2));
            }
            store.write(spread);
            assertThat(store.cachedDigestRows()).hasSizeLessThanOrEqualTo(DigestBook.CACHED_ROWS)
                    .doesNotContainKey(KeptDigests.row(IntervalDigest.intervalOf(key(0)), "*"));
            store.write(writes(10 * 60_000L, 4)); // back in the first hour
            assertInStep(store);
        }
    }

    @Test
    void aFailedWriteLeavesTheRowsInMemoryAsOnDisk() throws Exception {
        Path mount = dir.resolve("replicas");
        try (Tmpfs disk = Tmpfs.mount(mount, 16); RocksReplicaStore store = RocksReplicaStore.open(mount)) {
            store.write(writes(0, 10));
            Map<String, IntervalDigest> before = store.cachedDigestRows();
            disk.fill();
            List<ReplicaWrite> lost = new ArrayList<>();
            for (int i = 0; i < 200; i++) { // large enough to need the full disk
                lost.add(new ReplicaWrite(key(20 * 60_000L + i), ("{\"pad\":\"" + "x".repeat(500) + i + "\"}")
                        .getBytes(StandardCharsets.UTF_8), new ReplicaMeta(List.of("n1", "n2", "n3"), "n1", 3, 0)));
            }
            assertThatThrownBy(() -> store.write(lost)).isInstanceOf(StoreException.class);
            assertThat(store.cachedDigestRows()).as("not ahead of the disk").isEqualTo(before);
            disk.free();
        }
    }
}
