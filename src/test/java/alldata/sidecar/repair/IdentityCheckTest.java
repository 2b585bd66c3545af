package alldata.sidecar.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.protocol.MemberRecord;
import alldata.protocol.ReplicaMeta;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may start on a store, as which incarnation: {@link IdentityCheck} and {@link StartupIdentity}. */
class IdentityCheckTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long SESSION = 10_000;
    private static final Path DIR = Path.of("/data/node-1/replicas");

    @TempDir
    Path dir;

    private static MemberRecord record(String incarnation, long heartbeatMs) {
        return new MemberRecord("node-1", "a", "r", "t", "10.0.0.1:8081", MemberRecord.State.UP, heartbeatMs, false, incarnation,
                0);
    }

    private static NodeIdentity identity(String node, String incarnation) {
        return new NodeIdentity(node, incarnation, NOW - 86_400_000, 0, 0);
    }

    private static IdentityCheck.Verdict decide(Optional<NodeIdentity> stored, boolean empty, Optional<MemberRecord> last) {
        return IdentityCheck.decide("node-1", DIR, stored, empty, last, Optional.empty(), NOW, SESSION);
    }

    @Test
    void aStoreOfAnotherNodeIsRefusedNamingWhoseItIs() {
        IdentityCheck.Verdict v = decide(Optional.of(identity("node-3", "i3")), false, Optional.empty());
        assertThat(v).isInstanceOf(IdentityCheck.Refuse.class);
        assertThat(((IdentityCheck.Refuse) v).reason()).contains("belongs to node node-3").contains("incarnation i3")
                .contains("set data.dir to node-1's directory, or node.id to node-3");
    }

    @Test
    void aDecommissionedStoreIsNeverStartedAgain() {
        NodeIdentity gone = identity("node-1", "i1").decommissionedAt(NOW - 1000);
        assertThat(decide(Optional.of(gone), false, Optional.empty())).isInstanceOf(IdentityCheck.Refuse.class)
                .extracting(v -> ((IdentityCheck.Refuse) v).reason()).asString().contains("was decommissioned");
    }

    @Test
    void aQuickRestartOnTheSameStoreStartsAtOnceWithItsIncarnation() {
        IdentityCheck.Verdict v = decide(Optional.of(identity("node-1", "i1")), false, Optional.of(record("i1", NOW - 500)));
        assertThat(v).isInstanceOf(IdentityCheck.Start.class);
        IdentityCheck.Start s = (IdentityCheck.Start) v;
        assertThat(s.identity().incarnation()).isEqualTo("i1");
        assertThat(s.write()).isFalse();
        assertThat(s.warning()).isEmpty();
    }

    @Test
    void anEmptyStoreUnderAKnownIdIsANewIncarnationThatStartedEmptyNowAnnouncedLoudly() {
        IdentityCheck.Verdict v = decide(Optional.empty(), true, Optional.of(record("i1", NOW - 60_000)));
        IdentityCheck.Start s = (IdentityCheck.Start) v;
        assertThat(s.identity().incarnation()).isNotEqualTo("i1");
        assertThat(s.identity().startedEmptyAtMs()).isEqualTo(NOW);
        assertThat(s.write()).isTrue();
        assertThat(s.warning()).get().asString().contains("EMPTY store").contains("incarnation i1");
    }

    @Test
    void aFirstStartIsANewIncarnationWithoutAlarm() {
        IdentityCheck.Start s = (IdentityCheck.Start) decide(Optional.empty(), true, Optional.empty());
        assertThat(s.identity().startedEmptyAtMs()).isEqualTo(NOW);
        assertThat(s.warning()).isEmpty();
        assertThat(s.info()).contains("new, empty store");
    }

    @Test
    void aStoreThatPredatesIdentitiesIsAdoptedAsHoldingEverything() {
        IdentityCheck.Start s = (IdentityCheck.Start) decide(Optional.empty(), false, Optional.of(record(null, NOW - 60_000)));
        assertThat(s.identity().startedEmptyAtMs()).isZero();
        assertThat(s.write()).isTrue();
        assertThat(s.info()).contains("adopts");
    }

    @Test
    void aStoreFromAnOlderIncarnationStartsANewOneToBeRefilled() {
        IdentityCheck.Start s = (IdentityCheck.Start) decide(Optional.of(identity("node-1", "old")), false,
                Optional.of(record("newer", NOW - 60_000)));
        assertThat(s.identity().incarnation()).isNotIn("old", "newer");
        assertThat(s.identity().startedEmptyAtMs()).isEqualTo(NOW);
        assertThat(s.warning()).get().asString().contains("from incarnation old").contains("incarnation newer");
    }

    @Test
    void anotherIncarnationHeartbeatingRecentlyIsWaitedForThenRefusedIfItGoesOn() {
        MemberRecord other = record("i9", NOW - 2_000);
        IdentityCheck.Verdict first = decide(Optional.empty(), true, Optional.of(other));
        assertThat(first).isEqualTo(new IdentityCheck.Wait(other, NOW - 2_000 + SESSION));

        MemberRecord goesOn = record("i9", NOW + 8_500);
        IdentityCheck.Verdict after = IdentityCheck.decide("node-1", DIR, Optional.empty(), true, Optional.of(goesOn),
                Optional.of(other), NOW + 9_000, SESSION);
        assertThat(after).isInstanceOf(IdentityCheck.Refuse.class);
        assertThat(((IdentityCheck.Refuse) after).reason()).contains("another process runs as node-1")
                .contains("HTTP 10.0.0.1:8081").contains("incarnation i9");

        IdentityCheck.Verdict stopped = IdentityCheck.decide("node-1", DIR, Optional.empty(), true, Optional.of(other),
                Optional.of(other), NOW + 9_000, SESSION);
        assertThat(stopped).isInstanceOf(IdentityCheck.Start.class);
    }

    @Test
    void startupWritesTheIdentityWaitsOutACrashedProcessAndKeepsTheIncarnationAcrossRestarts() throws Exception {
        AtomicLong clock = new AtomicLong(NOW);
        List<Long> sleeps = new ArrayList<>();
        Map<String, MemberRecord> topic = new HashMap<>();
        topic.put("node-1", record("crashed", NOW - 1_000)); // a process that crashed a second ago, its disk wiped
        Function<Duration, Map<String, MemberRecord>> membership = t -> Map.copyOf(topic);
        NodeIdentity first;
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            first = StartupIdentity.establish("node-1", store, SESSION, membership, clock::get, ms -> {
                sleeps.add(ms);
                clock.addAndGet(ms);
            });
            assertThat(sleeps).hasSize(1);
            assertThat(first.incarnation()).isNotEqualTo("crashed");
            assertThat(first.startedEmptyAtMs()).isEqualTo(clock.get()).isGreaterThan(NOW); // after the wait
            store.write(List.of(new ReplicaWrite("k", "{}".getBytes(StandardCharsets.UTF_8),
                    new ReplicaMeta(List.of("node-1"), "node-1", 1, 0))));
        }
        topic.put("node-1", record(first.incarnation(), clock.get() - 100));
        try (RocksReplicaStore store = RocksReplicaStore.open(dir)) {
            NodeIdentity again = StartupIdentity.establish("node-1", store, SESSION, membership, clock::get, sleeps::add);
            assertThat(again).isEqualTo(first);
            assertThat(sleeps).hasSize(1);
            assertThatThrownBy(() -> StartupIdentity.establish("node-2", store, SESSION, membership, clock::get, sleeps::add))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("belongs to node node-1");
            StartupIdentity.markDecommissioned(store, again, clock.get());
            assertThatThrownBy(() -> StartupIdentity.establish("node-1", store, SESSION, membership, clock::get, sleeps::add))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("decommissioned");
        }
    }
}
