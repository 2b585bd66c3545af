package alldata.store;

import alldata.core.AllDataKey;
import alldata.core.ConflictException;
import alldata.protocol.ReplicaMeta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksReplicaStoreTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String key(long offset) {
        return AllDataKey.ingest(1_790_000_000_000L + offset, 0, offset).value();
    }

    @Test
    void storesAbsentKeyAndReadsItBack() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<WriteOutcome> out = store.write(List.of(new ReplicaWrite("k1", bytes("{\"a\": 1}"), null)));
            assertThat(out).containsExactly(WriteOutcome.STORED);
            assertThat(store.get("k1")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("{\"a\": 1}")));
            assertThat(store.get("k2")).isEmpty();
        }
    }

    @Test
    void sameBytesAgainIsAnIdempotentDuplicate() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(List.of(new ReplicaWrite("k1", bytes("{}"), null)));
            assertThat(store.write(List.of(new ReplicaWrite("k1", bytes("{}"), null))))
                    .containsExactly(WriteOutcome.DUPLICATE);
        }
    }

    @Test
    void differentBytesAreAConflictAndTheStoredEventIsKept() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(List.of(new ReplicaWrite("k1", bytes("{\"v\":1}"), null)));
            assertThat(store.write(List.of(new ReplicaWrite("k1", bytes("{\"v\":2}"), null))))
                    .containsExactly(WriteOutcome.CONFLICT);
            assertThat(store.get("k1")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("{\"v\":1}")));
        }
    }

    @Test
    void conflictInsideOneBatchKeepsTheFirstWrite() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<WriteOutcome> out = store.write(List.of(
                    new ReplicaWrite("k1", bytes("a"), null),
                    new ReplicaWrite("k1", bytes("a"), null),
                    new ReplicaWrite("k1", bytes("b"), null),
                    new ReplicaWrite("k2", bytes("c"), null)));
            assertThat(out).containsExactly(WriteOutcome.STORED, WriteOutcome.DUPLICATE, WriteOutcome.CONFLICT,
                    WriteOutcome.STORED);
            assertThat(store.get("k1")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("a")));
        }
    }

    @Test
    void asyncPutReportsAConflictAsConflictException() throws Exception {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.put("k1", bytes("a")).get(10, TimeUnit.SECONDS);
            store.put("k1", bytes("a")).get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> conflict = store.put("k1", bytes("b"));
            assertThatThrownBy(() -> conflict.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ConflictException.class).hasMessageContaining("k1");
            assertThat(store.get("k1")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("a")));
        }
    }

    @Test
    void keepsMetadataBesideTheReplica() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(List.of(new ReplicaWrite("k1", bytes("{}"), new ReplicaMeta(List.of("n1", "n2"), "n1", 1, 0))));
            ReplicaMeta meta = store.meta("k1").orElseThrow();
            assertThat(meta.replicas()).containsExactly("n1", "n2");
            assertThat(meta.coordinator()).isEqualTo("n1");
            assertThat(meta.storedAtMs()).isPositive();
            assertThat(store.meta("absent")).isEmpty();
        }
    }

    @Test
    void reopenAfterCloseKeepsEverything() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(List.of(new ReplicaWrite(key(1), bytes("one"), new ReplicaMeta(List.of("n1"), "n1", 1, 0))));
        }
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.get(key(1))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("one")));
            assertThat(store.meta(key(1))).isPresent();
            assertThat(store.write(List.of(new ReplicaWrite(key(1), bytes("two"), null))))
                    .containsExactly(WriteOutcome.CONFLICT);
        }
    }

    private static ReplicaWrite replica(long offset, String event) {
        return new ReplicaWrite(key(offset), bytes(event), new ReplicaMeta(List.of("n1", "n2", "n3"), "n1", 3, 0));
    }

    @Test
    void aFailedCopyIsNeitherReadNorScannedNorRepairedNorCountedAsAHolder() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(List.of(replica(1, "one"), replica(2, "two"), replica(3, "three")));
            assertThat(store.markFailed(List.of(key(2)))).as("copies held").isEqualTo(1);

            assertThat(store.isFailed(key(2))).isTrue();
            assertThat(store.isFailed(key(1))).isFalse();
            assertThat(store.get(key(2))).isEmpty();
            assertThat(store.get(key(1))).isPresent();
            assertThat(store.scan(null, null, 10)).extracting(StoredEvent::key).containsExactly(key(1), key(3));
            assertThat(store.scanNewest(null, null, 10)).extracting(StoredEvent::key).containsExactly(key(1), key(3));
            try (EventRange r = store.range(null, null, true)) {
                assertThat(r.next().key()).isEqualTo(key(3));
                assertThat(r.next().key()).as("newest first steps over it too").isEqualTo(key(1));
                assertThat(r.hasNext()).isFalse();
            }
            assertThat(store.scanPlans(null, null, 10)).as("never a repair candidate").extracting(StoredPlan::key)
                    .containsExactly(key(1), key(3));
            assertThat(store.contentHashes(List.of(key(1), key(2)))).as("not a replica").containsOnlyKeys(key(1));
            assertThat(store.scanHeld(null, null, 10)).as("still held, as a FAILED copy")
                    .extracting(HeldEvent::key, HeldEvent::failed)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(key(1), false),
                            org.assertj.core.groups.Tuple.tuple(key(2), true),
                            org.assertj.core.groups.Tuple.tuple(key(3), false));
            assertThat(store.failedCopies(null, null, 10)).containsExactly(key(2));
        }
    }

    @Test
    void aFailedMarkerThatArrivesBeforeItsEventHoldsAndNoDuplicatePutClearsIt() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.markFailed(List.of(key(1)))).as("not held yet").isZero();
            assertThat(store.failedCopies(null, null, 10)).as("no copy yet").isEmpty();
            assertThat(store.write(List.of(replica(1, "one")))).containsExactly(WriteOutcome.STORED);
            assertThat(store.get(key(1))).as("stored after its marker: a FAILED copy").isEmpty();
            assertThat(store.write(List.of(replica(1, "one")))).containsExactly(WriteOutcome.DUPLICATE);
            assertThat(store.markFailed(List.of(key(1)))).as("marking again changes nothing").isEqualTo(1);
            assertThat(store.get(key(1))).isEmpty();
            assertThat(store.scan(null, null, 10)).isEmpty();
        }
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.isFailed(key(1))).as("kept across a restart").isTrue();
            assertThat(store.scan(null, null, 10)).isEmpty();
            assertThat(store.failedCopies(null, null, 10)).containsExactly(key(1));
        }
    }

    @Test
    void scanReturnsKeysInOrderWithinTheRangeUpToTheLimit() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<ReplicaWrite> writes = new ArrayList<>();
            for (int i = 9; i >= 0; i--) { // written out of order on purpose
                writes.add(new ReplicaWrite(key(i), bytes("e" + i), null));
            }
            store.write(writes);
            assertThat(store.scan(null, null, 100)).extracting(StoredEvent::key)
                    .containsExactly(key(0), key(1), key(2), key(3), key(4), key(5), key(6), key(7), key(8), key(9));
            assertThat(store.scan(key(2), key(5), 100)).extracting(StoredEvent::key)
                    .containsExactly(key(2), key(3), key(4));
            assertThat(store.scan(key(2), null, 2)).extracting(StoredEvent::key).containsExactly(key(2), key(3));
            assertThat(store.scan(key(3), key(3), 10)).isEmpty();
            assertThat(store.scan(null, null, 0)).isEmpty();
            assertThat(store.scan(key(4), key(5), 1).get(0).event()).isEqualTo(bytes("e4"));
        }
    }

    @Test
    void rangeStreamsForwardOrNewestFirstAndSeesTheStoreAsOfItsOpening() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<ReplicaWrite> writes = new ArrayList<>();
            for (int i = 0; i < 10; i += 2) {
                writes.add(new ReplicaWrite(key(i), bytes("e" + i), null));
            }
            store.write(writes);
            List<String> forward = new ArrayList<>();
            try (EventRange r = store.range(key(1), key(8), false)) {
                store.write(List.of(new ReplicaWrite(key(5), bytes("e5"), null))); // after the range was opened
                r.forEachRemaining(e -> forward.add(e.key()));
                assertThat(r.hasNext()).isFalse();
                assertThatThrownBy(r::next).isInstanceOf(java.util.NoSuchElementException.class);
            }
            assertThat(forward).containsExactly(key(2), key(4), key(6));
            List<String> backward = new ArrayList<>();
            try (EventRange r = store.range(null, key(6), true)) {
                r.forEachRemaining(e -> backward.add(e.key()));
            }
            assertThat(backward).containsExactly(key(5), key(4), key(2), key(0));
            for (boolean newestFirst : new boolean[] {false, true}) {
                try (EventRange r = store.range(key(6), key(2), newestFirst)) {
                    assertThat(r.hasNext()).as("a range whose start is past its end").isFalse();
                }
            }
        }
    }

    @Test
    void closingTheStoreClosesItsOpenRanges() {
        RocksReplicaStore store = RocksReplicaStore.open(dir);
        store.write(List.of(new ReplicaWrite(key(1), bytes("e1"), null)));
        EventRange open = store.range(null, null, false);
        store.close();
        assertThatThrownBy(open::hasNext).isInstanceOf(StoreException.class).hasMessageContaining("closed");
        open.close(); // closing again is harmless
        assertThatThrownBy(() -> store.range(null, null, false)).isInstanceOf(StoreException.class);
    }

    @Test
    void scanNewestReturnsTheLastEventsOfTheRangeInKeyOrder() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<ReplicaWrite> writes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                writes.add(new ReplicaWrite(key(i), bytes("e" + i), null));
            }
            store.write(writes);
            assertThat(store.scanNewest(null, null, 3)).extracting(StoredEvent::key).containsExactly(key(7), key(8), key(9));
            assertThat(store.scanNewest(key(2), key(5), 10)).extracting(StoredEvent::key)
                    .containsExactly(key(2), key(3), key(4));
            assertThat(store.scanNewest(key(2), key(5), 2)).extracting(StoredEvent::key).containsExactly(key(3), key(4));
            assertThat(store.scanNewest(null, key(1), 5)).extracting(StoredEvent::key).containsExactly(key(0));
            assertThat(store.scanNewest(key(5), key(5), 5)).isEmpty();
            assertThat(store.scanNewest(null, null, 0)).isEmpty();
            assertThat(store.scanNewest(key(9), null, 1).get(0).event()).isEqualTo(bytes("e9"));
            assertThatThrownBy(() -> store.scanNewest(null, null, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void statisticsCountWritesReadsAndWalSyncs() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.statistics().counter(StoreStatistics.Counter.BYTES_WRITTEN)).isZero();
            store.write(List.of(new ReplicaWrite(key(1), bytes("{\"a\":1}"), null)));
            store.write(List.of(new ReplicaWrite(key(2), bytes("{\"a\":2}"), null)));
            store.get(key(1));
            assertThat(store.statistics().counter(StoreStatistics.Counter.BYTES_WRITTEN)).isPositive();
            assertThat(store.statistics().counter(StoreStatistics.Counter.WAL_SYNCS)).isEqualTo(2);
            assertThat(store.statistics().counter(StoreStatistics.Counter.BYTES_READ)).isPositive();
            for (StoreStatistics.Property p : StoreStatistics.Property.values()) {
                assertThat(store.statistics().property(p)).as(p.name()).isNotNegative();
            }
            assertThat(store.statistics().property(StoreStatistics.Property.ESTIMATED_EVENTS)).isEqualTo(2);
        }
    }

    /**
     * Durability: every write batch, whichever way it comes in, is synced to the WAL before it is acknowledged
     * (one sync per batch, however many events it holds). The same writes to a store opened without sync
     * count no sync, so the counter does tell synced from unsynced writes.
     */
    @Test
    void everyWriteBatchIsSyncedToTheWal(@TempDir Path unsyncedDir) throws Exception {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(syncs(store)).isZero();
            store.write(List.of(new ReplicaWrite(key(1), bytes("{}"), null), new ReplicaWrite(key(2), bytes("{}"), null),
                    new ReplicaWrite(key(3), bytes("{}"), null)));
            assertThat(syncs(store)).as("a batch of three: one sync").isEqualTo(1);
            store.put(new ReplicaWrite(key(4), bytes("{}"), null)).get(30, TimeUnit.SECONDS);
            assertThat(syncs(store)).as("a queued write (group commit)").isEqualTo(2);
            store.put(key(5), bytes("{}")).get(30, TimeUnit.SECONDS);
            assertThat(syncs(store)).as("the library's ReplicaStore.put").isEqualTo(3);
        }
        try (RocksReplicaStore unsynced = RocksReplicaStore.open(unsyncedDir, new RocksReplicaStore.Options(false))) {
            unsynced.write(List.of(new ReplicaWrite(key(1), bytes("{}"), null)));
            unsynced.put(new ReplicaWrite(key(2), bytes("{}"), null)).get(30, TimeUnit.SECONDS);
            assertThat(syncs(unsynced)).isZero();
        }
    }

    private static long syncs(RocksReplicaStore store) {
        return store.statistics().counter(StoreStatistics.Counter.WAL_SYNCS);
    }

    @Test
    void scanByTimePrefixSelectsATimeRange() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(List.of(
                    new ReplicaWrite("20261125T041500123-00000-0000000000000000001", bytes("a"), null),
                    new ReplicaWrite("20261125T051500123-00000-0000000000000000002", bytes("b"), null),
                    new ReplicaWrite("20261126T041500123-00000-0000000000000000003", bytes("c"), null)));
            assertThat(store.scan("20261125T05", "20261126", 10)).extracting(StoredEvent::key)
                    .containsExactly("20261125T051500123-00000-0000000000000000002");
        }
    }

    @Test
    void loadsAHundredThousandEventBatch() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            byte[] event = new byte[200];
            java.util.Arrays.fill(event, (byte) 'x');
            List<ReplicaWrite> writes = new ArrayList<>(100_000);
            for (int i = 0; i < 100_000; i++) {
                writes.add(new ReplicaWrite(key(i), event, null));
            }
            List<WriteOutcome> out = store.write(writes);
            assertThat(out).hasSize(100_000).containsOnly(WriteOutcome.STORED);
            assertThat(store.scan(null, null, 200_000)).hasSize(100_000);
            assertThat(store.get(key(99_999))).isPresent();
            assertThat(store.statistics().approximateCount()).isPositive();
            assertThat(store.statistics().approximateSizeBytes()).isPositive();
        }
    }

    @Test
    void manyConcurrentAsyncPutsAllComplete() throws Exception {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                futures.add(store.put(key(i), bytes("e" + i)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(store.scan(null, null, 10_000)).hasSize(5_000);
        }
    }

    @Test
    void closeFinishesQueuedWritesAndRejectsLaterOnes() throws Exception {
        RocksReplicaStore store = RocksReplicaStore.open(dir);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            futures.add(store.put(key(i), bytes("e" + i)));
        }
        store.close();
        store.close(); // harmless repeat
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> store.put(key(5_000), bytes("late")).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(StoreException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.get(key(1))).isInstanceOf(StoreException.class);
        try (RocksReplicaStore reopened = RocksReplicaStore.open(dir)) {
            assertThat(reopened.scan(null, null, 2_000)).hasSize(1_000);
        }
    }

    @Test
    void secondOpenInTheSameProcessIsAClearError() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThatThrownBy(() -> RocksReplicaStore.open(dir))
                    .isInstanceOf(StoreLockedException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void directoryHeldByAnotherProcessIsAClearError() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HoldStoreMain.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("OPEN"));
            assertThat(line).as("the holder process opened the store").isNotNull();
            assertThatThrownBy(() -> RocksReplicaStore.open(dir))
                    .isInstanceOf(StoreLockedException.class)
                    .hasMessageContaining("in use by another process");
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(30, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.directory()).isEqualTo(dir.toAbsolutePath());
        }
    }

    @Test
    void openingAFileInsteadOfADirectoryIsAClearError() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> RocksReplicaStore.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not-a-dir");
    }

    @Test
    void negativeScanLimitIsRejected() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThatThrownBy(() -> store.scan(null, null, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
