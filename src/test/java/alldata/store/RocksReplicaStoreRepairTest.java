package alldata.store;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.AllDataKey;
import alldata.core.IntervalDigest;
import alldata.protocol.MetaUpdate;
import alldata.protocol.ReplicaMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What repair needs of the store: its own records, plan updates with epochs, kept and counted digests. */
class RocksReplicaStoreRepairTest {
    private static final long T0 = 1_789_999_200_000L; // on the hour

    @TempDir
    Path dir;

    private static String key(long offsetMs) {
        return AllDataKey.ingest(T0 + offsetMs, 0, offsetMs).value();
    }

    private static byte[] event(int i) {
        return ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static ReplicaWrite write(String key, int i, String... plan) {
        return new ReplicaWrite(key, event(i), new ReplicaMeta(List.of(plan), "n1", 3, 0));
    }

    /** Events in two hours, with plans naming n1..n4. */
    private static List<ReplicaWrite> someWrites() {
        List<ReplicaWrite> w = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String[] plan = i % 2 == 0 ? new String[] {"n1", "n2", "n3"} : new String[] {"n1", "n3", "n4"};
            w.add(write(key(i * 180_000L), i, plan)); // every 3 minutes: two hours
        }
        return w;
    }

    @Test
    void plansNamingFewerNodesThanTheReplicationFactorAreReportedOnceWritten() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            store.onShortPlans(heard::addAll);
            String full = key(0);
            String degraded = key(1);
            String repeated = key(2);
            store.write(List.of(write(full, 0, "n1", "n2", "n3"), write(degraded, 1, "n1", "n2"),
                    write(repeated, 2, "n1", "n2", "n2")));
            assertThat(heard).containsExactlyInAnyOrder(degraded, repeated);

            heard.clear();
            store.write(List.of(write(degraded, 1, "n1", "n2"))); // a duplicate stores nothing
            assertThat(heard).isEmpty();

            store.updatePlans(List.of(alldata.protocol.MetaUpdate.afterPut(full, List.of("n1", "n2"), 3)), "n1");
            assertThat(heard).as("a replica failed with no spare: the coordinator's true plan").containsExactly(full);
        }
    }

    @Test
    void ownRecordsSurviveAReopen() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.state("identity")).isEmpty();
            store.putState("identity", new byte[] {1, 2});
        }
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.state("identity")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2));
            assertThat(store.isEmpty()).isTrue();
        }
    }

    @Test
    void keptDigestsAgreeWithARecountAfterWritesAndPlanUpdates() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(someWrites());
            store.write(someWrites()); // duplicates count once
            Map<String, Map<String, IntervalDigest>> kept = store.keptDigests(null, null);
            assertThat(kept).isEqualTo(store.countedDigests(null, null)).hasSize(2);
            String firstHour = kept.keySet().iterator().next();
            assertThat(kept.get(firstHour).get("*").count()).isEqualTo(20);
            assertThat(kept.get(firstHour).get("n2").count()).isEqualTo(10);
            assertThat(kept.get(firstHour)).doesNotContainKey("n5");

            // a repair moves key 0 from n2 to n5
            String k0 = key(0);
            assertThat(store.updatePlans(List.of(new MetaUpdate(k0, List.of("n1", "n3", "n5"), 3, 7)), "n3"))
                    .containsExactly(PlanUpdateOutcome.APPLIED);
            Map<String, Map<String, IntervalDigest>> after = store.keptDigests(null, null);
            assertThat(after).isEqualTo(store.countedDigests(null, null));
            assertThat(after.get(firstHour).get("n2").count()).isEqualTo(9);
            assertThat(after.get(firstHour).get("n5").count()).isEqualTo(1);
            assertThat(after.get(firstHour).get("*")).isEqualTo(kept.get(firstHour).get("*"));
            assertThat(store.meta(k0)).get().satisfies(m -> {
                assertThat(m.replicas()).containsExactly("n1", "n3", "n5");
                assertThat(m.epoch()).isEqualTo(7);
                assertThat(m.coordinator()).isEqualTo("n3");
            });
        }
    }

    @Test
    void aPlanOnlyGivesWayToALargerEpochAndOnlyForEventsHeld() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(List.of(write("k1", 1, "n1", "n2")));
            MetaUpdate five = new MetaUpdate("k1", List.of("n1", "n3"), 2, 5);
            assertThat(store.updatePlans(List.of(five, new MetaUpdate("k1", List.of("n9"), 2, 5),
                            new MetaUpdate("k1", List.of("n1", "n4"), 2, 4), new MetaUpdate("absent", List.of("n1"), 1, 9)), "n2"))
                    .containsExactly(PlanUpdateOutcome.APPLIED, PlanUpdateOutcome.STALE, PlanUpdateOutcome.STALE,
                            PlanUpdateOutcome.ABSENT);
            assertThat(store.meta("k1").map(ReplicaMeta::replicas)).contains(List.of("n1", "n3"));
            assertThat(store.get("absent")).isEmpty();
            assertThat(store.keptDigests(null, null)).isEqualTo(store.countedDigests(null, null));
        }
    }

    @Test
    void aRecountFindsAnEventDeletedBehindTheStoresBackWhichTheKeptDigestsStillCount() throws Exception {
        String gone = key(180_000L * 3);
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(someWrites());
        }
        StoreSurgery.deleteEvent(dir, gone);
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            String hour = IntervalDigest.intervalOf(gone);
            Map<String, IntervalDigest> kept = store.keptDigests(null, null).get(hour);
            Map<String, IntervalDigest> counted = store.countedDigests(null, null).get(hour);
            assertThat(counted.get("*").count()).isEqualTo(kept.get("*").count() - 1);
            assertThat(counted.get("n4")).isNotEqualTo(kept.get("n4"));
            assertThat(counted.get("n2")).isEqualTo(kept.get("n2")); // the deleted event's plan did not name n2
            assertThat(store.scanHeld(null, null, 1000)).extracting(HeldEvent::key).doesNotContain(gone).hasSize(39);

            // reconciled, the kept digests follow the data again, and a repaired copy counts once
            assertThat(store.reconcileKeptDigests(hour)).isTrue();
            assertThat(store.reconcileKeptDigests(hour)).isFalse();
            assertThat(store.keptDigests(null, null)).isEqualTo(store.countedDigests(null, null));
            store.write(List.of(write(gone, 3, "n1", "n3", "n4")));
            assertThat(store.keptDigests(null, null)).isEqualTo(store.countedDigests(null, null));
        }
    }

    @Test
    void aStoreThatPredatesKeptDigestsCountsItsEventsOnceWhenOpened() throws Exception {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            store.write(someWrites());
        }
        StoreSurgery.forgetDigests(dir);
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            assertThat(store.keptDigests(null, null)).isEqualTo(store.countedDigests(null, null)).isNotEmpty();
        }
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) { // counted once: not twice
            assertThat(store.keptDigests(null, null)).isEqualTo(store.countedDigests(null, null));
        }
    }

    @Test
    void heldEventsCarryTheirPlanAndHashAndDigestsCanBeReadByInterval() {
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            List<ReplicaWrite> writes = someWrites();
            store.write(writes);
            store.write(List.of(new ReplicaWrite(key(10), event(99), null)));
            List<HeldEvent> held = store.scanHeld(key(0), key(180_000L * 2), 10);
            assertThat(held).extracting(HeldEvent::key).containsExactly(key(0), key(10), key(180_000L));
            assertThat(held.get(0).meta().replicas()).containsExactly("n1", "n2", "n3");
            assertThat(held.get(1).meta()).isNull();
            assertThat(held.get(0).contentHash()).isEqualTo(IntervalDigest.contentHash(event(0)));
            assertThat(held.get(0).size()).isEqualTo(event(0).length);
            assertThat(store.contentHashes(List.of(key(0), "nope"))).containsOnlyKeys(key(0));
            String second = IntervalDigest.intervalOf(writes.get(39).key());
            assertThat(store.keptDigests(second, IntervalDigest.upperBound(second))).containsOnlyKeys(second);
            assertThat(store.countedDigests(second, IntervalDigest.upperBound(second))).containsOnlyKeys(second);
            assertThat(store.firstKeyFrom(IntervalDigest.upperBound(IntervalDigest.intervalOf(key(0))))).contains(
                    writes.stream().map(ReplicaWrite::key).filter(k -> k.startsWith(second)).findFirst().orElseThrow());
            assertThat(store.firstKeyFrom(IntervalDigest.upperBound(second))).isEmpty();
        }
    }
}
