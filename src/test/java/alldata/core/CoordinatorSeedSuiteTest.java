package alldata.core;

import static alldata.core.PutAssertions.committed;
import static alldata.core.PutAssertions.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The seed's own test suite ({@code alldata-coordinator}: new, addPeer, dropPeer, put), translated case by
 * case; the display names are the seed's. The seed's "local" peer is a peer in the coordinator's own zone.
 */
class CoordinatorSeedSuiteTest {
    private static final String KEY = "key1";
    private static final byte[] EVENT = "{\"foo\":\"bar\"}".getBytes(StandardCharsets.UTF_8);

    private final Replicas replicas = new Replicas();
    private final ManualTime time = new ManualTime();

    private Coordinator coordinator(CoordinatorOptions options) {
        return new Coordinator(replicas, options, replicas, time);
    }

    private static CoordinatorOptions.Builder rf(int replicationFactor) {
        return CoordinatorOptions.builder().replicationFactor(replicationFactor);
    }

    @Nested
    class New {
        @Test
        @DisplayName("new AllDataCoordinator() configures localStorage from params")
        void configuresLocalStorage() {
            coordinator(CoordinatorOptions.defaults()).put(KEY, EVENT);
            assertThat(replicas.nodes()).containsExactly(Coordinator.LOCAL);
        }

        @Test
        @DisplayName("new AllDataCoordinator() configures commitLevel from options")
        void configuresCommitLevel() {
            Coordinator c = coordinator(CoordinatorOptions.builder().commitLevel(CommitLevel.ALL).build());
            assertThat(c.options().commitLevel()).isEqualTo(CommitLevel.ALL);
        }

        @Test
        @DisplayName("new AllDataCoordinator() configures replicationFactor from options")
        void configuresReplicationFactor() {
            assertThat(coordinator(rf(3).build()).options().replicationFactor()).isEqualTo(3);
        }

        @Test
        @DisplayName("new AllDataCoordinator() configures replicationStrategy from options")
        void configuresReplicationStrategy() {
            Coordinator c = coordinator(CoordinatorOptions.builder().otherRegionReplicas(1).otherZoneReplicas(2).build());
            assertThat(c.options().otherRegionReplicas()).isEqualTo(1);
            assertThat(c.options().otherZoneReplicas()).isEqualTo(2);
        }

        @Test
        @DisplayName("options default to QUORUM, replicationFactor 1, no other-zone or other-region replicas, 30 s timeout")
        void defaults() {
            CoordinatorOptions o = CoordinatorOptions.builder().build();
            assertThat(o.commitLevel()).isEqualTo(CommitLevel.QUORUM);
            assertThat(o.replicationFactor()).isEqualTo(1);
            assertThat(o.otherZoneReplicas()).isZero();
            assertThat(o.otherRegionReplicas()).isZero();
            assertThat(o.replicaTimeout()).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        @DisplayName("build() rejects replicationFactor 0")
        void rejectsReplicationFactorZero() {
            assertThatThrownBy(() -> rf(0).build()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("replicationFactor");
        }

        @Test
        @DisplayName("build() rejects a negative otherZoneReplicas")
        void rejectsNegativeOtherZoneReplicas() {
            assertThatThrownBy(() -> CoordinatorOptions.builder().otherZoneReplicas(-1).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("otherZoneReplicas");
        }

        @Test
        @DisplayName("build() rejects a negative otherRegionReplicas")
        void rejectsNegativeOtherRegionReplicas() {
            assertThatThrownBy(() -> CoordinatorOptions.builder().otherRegionReplicas(-1).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("otherRegionReplicas");
        }

        @Test
        @DisplayName("build() rejects a zero replica timeout")
        void rejectsZeroTimeout() {
            assertThatThrownBy(() -> CoordinatorOptions.builder().replicaTimeout(Duration.ZERO).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicaTimeout");
        }

        @Test
        @DisplayName("build() rejects a negative replica timeout")
        void rejectsNegativeTimeout() {
            assertThatThrownBy(() -> CoordinatorOptions.builder().replicaTimeout(Duration.ofMillis(-1)).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicaTimeout");
        }

        @Test
        @DisplayName("the public constructor runs on wall-clock time: a silent replica is re-placed after the timeout")
        void publicConstructorUsesWallClockTimeouts() throws Exception {
            List<String> asked = Collections.synchronizedList(new ArrayList<>());
            PeerTransport silentFirst = (peer, key, event) -> {
                asked.add(peer.id());
                return peer.id().equals("silent") ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
            };
            CoordinatorOptions options = rf(2).otherZoneReplicas(1).commitLevel(CommitLevel.ALL)
                    .replicaTimeout(Duration.ofMillis(50)).build();
            try (Coordinator c = new Coordinator((k, e) -> CompletableFuture.completedFuture(null), options, silentFirst)) {
                c.addPeer(new Peer("silent"), PeerLocation.zone("zone1"));
                c.addPeer(new Peer("backup"), PeerLocation.region("region1"));
                CompletableFuture<PutResult> f = c.put(KEY, EVENT);
                await().atMost(Duration.ofSeconds(10)).until(f::isDone);
                assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("local", "backup");
                assertThat(asked).containsExactly("silent", "backup");
            }
        }
    }

    @Nested
    class AddPeer {
        private final Coordinator c = coordinator(CoordinatorOptions.defaults());

        @Test
        @DisplayName("addPeer() adding local peer increments noOfPeers")
        void sameZonePeer() {
            c.addPeer(new Peer("foo"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding same local peer does not increment noOfPeers")
        void sameZonePeerTwice() {
            c.addPeer(new Peer("foo"));
            c.addPeer(new Peer("foo"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding zone peer increments noOfPeers")
        void zonePeer() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding same zone peer does not increment noOfPeers")
        void zonePeerTwice() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding another peer to different zone increments noOfPeers")
        void peersInDifferentZones() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.zone("far"));
            assertThat(c.peerCount()).isEqualTo(2);
        }

        @Test
        @DisplayName("addPeer() adding region peer increments noOfPeers")
        void regionPeer() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding same region peer does not increment noOfPeers")
        void regionPeerTwice() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding another peer to different region increments noOfPeers")
        void peersInDifferentRegions() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.region("far"));
            assertThat(c.peerCount()).isEqualTo(2);
        }

        @Test
        @DisplayName("addPeer() adding peers to local, zone, and region increments noOfPeers")
        void peersEverywhere() {
            c.addPeer(new Peer("foo"));
            c.addPeer(new Peer("bar"), PeerLocation.zone("zone1"));
            c.addPeer(new Peer("baz"), PeerLocation.region("region1"));
            assertThat(c.peerCount()).isEqualTo(3);
        }

        @Test
        @DisplayName("addPeer() of a known id at another location does not increment noOfPeers")
        void knownIdAtAnotherLocation() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("foo"), PeerLocation.region("far"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() of a known id at another location keeps the first location")
        void knownIdKeepsItsFirstLocation() {
            Coordinator two = coordinator(rf(2).otherRegionReplicas(1).build());
            two.addPeer(new Peer("foo"), PeerLocation.zone("zone1"));
            two.addPeer(new Peer("foo"), PeerLocation.region("region1"));
            two.addPeer(new Peer("bar"));
            two.put(KEY, EVENT);
            assertThat(replicas.nodes()).as("foo is no other-region peer; the same-zone peer fills in")
                    .containsExactly("local", "bar");
        }

        @Test
        @DisplayName("addPeer() rejects the id \"local\", reserved for the local replica")
        void rejectsReservedId() {
            assertThatThrownBy(() -> c.addPeer(new Peer("local"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("local");
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("addPeer() rejects a null location with IllegalArgumentException")
        void rejectsNullLocation() {
            assertThatThrownBy(() -> c.addPeer(new Peer("foo"), null)).isInstanceOf(IllegalArgumentException.class);
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("a blank zone name is rejected with IllegalArgumentException")
        void rejectsBlankZone() {
            assertThatThrownBy(() -> PeerLocation.zone(" ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("zone");
        }

        @Test
        @DisplayName("a blank region name is rejected with IllegalArgumentException")
        void rejectsBlankRegion() {
            assertThatThrownBy(() -> PeerLocation.region("")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("region");
        }
    }

    @Nested
    class DropPeer {
        private final Coordinator c = coordinator(CoordinatorOptions.defaults());

        @Test
        @DisplayName("dropPeer() drops local peer and decrements noOfPeers")
        void sameZonePeer() {
            c.addPeer(new Peer("foo"));
            assertThat(c.dropPeer("foo")).isTrue();
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() dropping same local peer does not decrement noOfPeers")
        void sameZonePeerTwice() {
            c.addPeer(new Peer("foo"));
            c.addPeer(new Peer("bar"));
            c.dropPeer("foo");
            assertThat(c.dropPeer("foo")).isFalse();
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("dropPeer() drops zone peer and decrements noOfPeers")
        void zonePeer() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            assertThat(c.dropPeer("foo")).isTrue();
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() dropping same zone peer does not decrement noOfPeers")
        void zonePeerTwice() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.zone("bar"));
            c.dropPeer("foo");
            assertThat(c.dropPeer("foo")).isFalse();
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("dropPeer() drops region peer and decrements noOfPeers")
        void regionPeer() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            assertThat(c.dropPeer("foo")).isTrue();
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() dropping same region peer does not decrement noOfPeers")
        void regionPeerTwice() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.region("far"));
            c.dropPeer("foo");
            assertThat(c.dropPeer("foo")).isFalse();
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("dropPeer() dropping peers from local, zone, and region decrements noOfPeers")
        void peersEverywhere() {
            c.addPeer(new Peer("foo"));
            c.addPeer(new Peer("bar"), PeerLocation.zone("zone1"));
            c.addPeer(new Peer("baz"), PeerLocation.region("region1"));
            c.dropPeer("bar");
            assertThat(c.peerCount()).isEqualTo(2);
            c.dropPeer("foo");
            assertThat(c.peerCount()).isEqualTo(1);
            c.dropPeer("bar");
            assertThat(c.peerCount()).as("dropping bar again").isEqualTo(1);
            c.dropPeer("baz");
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() of an id never added returns false")
        void unknownId() {
            c.addPeer(new Peer("foo"));
            assertThat(c.dropPeer("nobody")).isFalse();
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("a dropped peer is not chosen by later puts")
        void droppedPeerIsNotChosen() {
            Coordinator two = coordinator(rf(2).build());
            two.addPeer(new Peer("foo"));
            two.addPeer(new Peer("bar"));
            two.dropPeer("foo");
            two.put(KEY, EVENT);
            assertThat(replicas.nodes()).containsExactly("local", "bar");
        }
    }

    @Nested
    class Put {
        @Test
        @DisplayName("put() returns immediate failure if noOfPeers + 1 is less than replicationFactor")
        void immediateFailure() {
            Coordinator c = coordinator(rf(3).build());
            c.addPeer(new Peer("peer1"));
            CompletableFuture<PutResult> f = c.put(KEY, EVENT);
            assertThat(failure(f)).hasMessageContaining("not enough live peers");
            assertThat(replicas.nodes()).as("neither the store nor the transport is called").isEmpty();
        }

        @Test
        @DisplayName("put() immediate failure happens whatever the commit level")
        void immediateFailureAtLevelOne() {
            Coordinator c = coordinator(rf(2).build());
            CompletableFuture<PutResult> f = c.put(KEY, EVENT, CommitLevel.ONE);
            failure(f);
            assertThat(replicas.nodes()).isEmpty();
        }

        @Test
        @DisplayName("put() creates a local replica")
        void localReplica() {
            coordinator(CoordinatorOptions.defaults()).put(KEY, EVENT);
            Replicas.Call local = replicas.call("local");
            assertThat(local.key()).isEqualTo(KEY);
            assertThat(local.event()).isEqualTo(EVENT);
        }

        @Test
        @DisplayName("put() with replicationFactor 1 commits once the local replica is stored")
        void localReplicaCommits() {
            CompletableFuture<PutResult> f = coordinator(CoordinatorOptions.defaults()).put(KEY, EVENT);
            assertThat(f).isNotDone();
            replicas.store("local");
            PutResult r = committed(f);
            assertThat(r.key()).isEqualTo(KEY);
            assertThat(r.acknowledgedBy()).containsExactly("local");
        }

        @Test
        @DisplayName("put() creates only a local replica if replicationFactor == 1")
        void onlyLocalReplica() {
            Coordinator c = coordinator(rf(1).build());
            c.addPeer(new Peer("peer1"));
            c.addPeer(new Peer("peer2"), PeerLocation.zone("zone1"));
            c.put(KEY, EVENT);
            assertThat(replicas.nodes()).containsExactly("local");
            assertThat(replicas.peers()).as("transport never called").isEmpty();
        }

        @Test
        @DisplayName("put() creates local and one other zone replica if otherZoneReplicas == 1")
        void oneOtherZoneReplica() {
            Coordinator c = coordinator(rf(2).otherZoneReplicas(1).build());
            c.addPeer(new Peer("peer1"), PeerLocation.zone("zone1"));
            c.put(KEY, EVENT);
            assertThat(replicas.nodes()).containsExactly("local", "peer1");
            Replicas.Call put = replicas.call("peer1");
            assertThat(put.peer()).isEqualTo(new Peer("peer1"));
            assertThat(put.key()).isEqualTo(KEY);
            assertThat(put.event()).isEqualTo(EVENT);
        }

        /** Adds peer1 and peer2 at the given locations, puts, and checks both peers got the _put. */
        private void putReachesBothPeers(CoordinatorOptions options, PeerLocation peer1, PeerLocation peer2) {
            Coordinator c = coordinator(options);
            c.addPeer(new Peer("peer1"), peer1);
            c.addPeer(new Peer("peer2"), peer2);
            c.put(KEY, EVENT);
            assertThat(replicas.nodes()).hasSize(3).startsWith("local").containsOnlyOnce("peer1", "peer2");
        }

        @Test
        @DisplayName("put() creates local replica and replicas in two other zones if otherZoneReplicas == 2 and have peers in two other zones")
        void otherZonesTwoZones() {
            putReachesBothPeers(rf(3).otherZoneReplicas(2).build(), PeerLocation.zone("zone1"), PeerLocation.zone("zone2"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in one other zone if otherZoneReplicas == 2 and have peers in only one other zone")
        void otherZonesOneZone() {
            putReachesBothPeers(rf(3).otherZoneReplicas(2).build(), PeerLocation.zone("zone1"), PeerLocation.zone("zone1"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in other regions if otherZoneReplicas == 2 and have no peers in other zone")
        void otherZonesOnlyRegionPeers() {
            putReachesBothPeers(rf(3).otherZoneReplicas(2).build(), PeerLocation.region("region1"), PeerLocation.region("region2"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in local zone if otherZoneReplicas == 2 and have no peers in other zone or other region")
        void otherZonesOnlySameZonePeers() {
            putReachesBothPeers(rf(3).otherZoneReplicas(2).build(), PeerLocation.sameZone(), PeerLocation.sameZone());
        }

        @Test
        @DisplayName("put() creates local and one other region replica if otherRegionReplicas == 1")
        void oneOtherRegionReplica() {
            Coordinator c = coordinator(rf(2).otherRegionReplicas(1).build());
            c.addPeer(new Peer("peer1"), PeerLocation.region("region1"));
            c.put(KEY, EVENT);
            assertThat(replicas.nodes()).containsExactly("local", "peer1");
        }

        @Test
        @DisplayName("put() creates local replica and replicas in two other regions if otherRegionReplicas == 2 and have peers in two other regions")
        void otherRegionsTwoRegions() {
            putReachesBothPeers(rf(3).otherRegionReplicas(2).build(), PeerLocation.region("region1"), PeerLocation.region("region2"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in one other region if otherRegionReplicas == 2 and have peers in only one other region")
        void otherRegionsOneRegion() {
            putReachesBothPeers(rf(3).otherRegionReplicas(2).build(), PeerLocation.region("region1"), PeerLocation.region("region1"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in other zones if otherRegionReplicas == 2 and have no peers in other region")
        void otherRegionsOnlyZonePeers() {
            putReachesBothPeers(rf(3).otherRegionReplicas(2).build(), PeerLocation.zone("zone1"), PeerLocation.zone("zone2"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in local zone if otherRegionReplicas == 2 and have no peers in other zone or other region")
        void otherRegionsOnlySameZonePeers() {
            putReachesBothPeers(rf(3).otherRegionReplicas(2).build(), PeerLocation.sameZone(), PeerLocation.sameZone());
        }

        @Test
        @DisplayName("put() creates local replica and replica in other zone, other region, and local zone if otherZoneReplicas == 1, otherRegionReplicas == 1, and replicationFactor == 4")
        void everyLocation() {
            Coordinator c = coordinator(rf(4).otherZoneReplicas(1).otherRegionReplicas(1).build());
            c.addPeer(new Peer("peer1"), PeerLocation.zone("zone1"));
            c.addPeer(new Peer("peer2"), PeerLocation.region("region1"));
            c.addPeer(new Peer("peer3"));
            c.put(KEY, EVENT);
            assertThat(replicas.nodes()).as("local, other zone, other region, same zone")
                    .containsExactly("local", "peer1", "peer2", "peer3");
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in local storage")
        void localStorageError() {
            CompletableFuture<PutResult> f = coordinator(rf(1).build()).put(KEY, EVENT);
            assertThat(f).isNotDone();
            replicas.fail("local");
            assertThat(failure(f)).hasMessageContaining("1 of 1 replicas were not created");
        }

        /** RF 2 with one peer and no spare: the put fails when that peer fails, not before. */
        private void failsOnPeerError(CoordinatorOptions options, PeerLocation location) {
            Coordinator c = coordinator(options);
            c.addPeer(new Peer("peer1"), location);
            CompletableFuture<PutResult> f = c.put(KEY, EVENT);
            assertThat(replicas.nodes()).containsExactly("local", "peer1");
            replicas.store("local");
            assertThat(f).isNotDone();
            replicas.fail("peer1");
            assertThat(failure(f)).hasMessageContaining("1 of 2 replicas were not created");
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in zone peer")
        void zonePeerError() {
            failsOnPeerError(rf(2).otherZoneReplicas(1).build(), PeerLocation.zone("zone1"));
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in region peer")
        void regionPeerError() {
            failsOnPeerError(rf(2).otherRegionReplicas(1).build(), PeerLocation.region("region1"));
        }

        /**
         * RF 2 with a zone peer and a region peer: the planned one fails, the spare gets the _put ("get it
         * done"), then fails too; only then does the put fail.
         */
        private void failsAfterSpareError(CoordinatorOptions options, String planned, String spare) {
            Coordinator c = coordinator(options);
            c.addPeer(new Peer("zonePeer"), PeerLocation.zone("zone1"));
            c.addPeer(new Peer("regionPeer"), PeerLocation.region("region1"));
            CompletableFuture<PutResult> f = c.put(KEY, EVENT);
            assertThat(replicas.nodes()).containsExactly("local", planned);
            replicas.store("local");
            replicas.fail(planned);
            assertThat(replicas.nodes()).as("the spare got the _put").containsExactly("local", planned, spare);
            assertThat(replicas.call(spare).event()).isEqualTo(EVENT);
            assertThat(f).isNotDone();
            replicas.fail(spare);
            assertThat(failure(f)).hasMessageContaining("1 of 2 replicas were not created");
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in zone peer and error in extra peer")
        void zonePeerAndSpareError() {
            failsAfterSpareError(rf(2).otherZoneReplicas(1).build(), "zonePeer", "regionPeer");
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in region peer and error in extra peer")
        void regionPeerAndSpareError() {
            failsAfterSpareError(rf(2).otherRegionReplicas(1).build(), "regionPeer", "zonePeer");
        }

        /** RF 3, otherZone 2, peers in zone1 and region1: the plan is local, peer1, peer2. */
        private CompletableFuture<PutResult> putOnThree(CommitLevel level) {
            Coordinator c = coordinator(rf(3).otherZoneReplicas(2).build());
            c.addPeer(new Peer("peer1"), PeerLocation.zone("zone1"));
            c.addPeer(new Peer("peer2"), PeerLocation.region("region1"));
            CompletableFuture<PutResult> f = c.put(KEY, EVENT, level);
            assertThat(replicas.nodes()).containsExactly("local", "peer1", "peer2");
            return f;
        }

        @Test
        @DisplayName("put() responds with success after majority replicas written with QUORUM commitLevel")
        void quorum() {
            CompletableFuture<PutResult> f = putOnThree(CommitLevel.QUORUM);
            assertThat(f).isNotDone();
            replicas.store("peer2");
            assertThat(f).as("1 of 3 stored").isNotDone();
            replicas.store("local");
            PutResult r = committed(f);
            assertThat(r.acknowledgedBy()).containsExactlyInAnyOrder("local", "peer2");
            assertThat(r.commitLevel()).isEqualTo(CommitLevel.QUORUM);
            assertThat(r.key()).isEqualTo(KEY);
        }

        @Test
        @DisplayName("put() responds with success after all replicas written with ALL commitLevel")
        void all() {
            CompletableFuture<PutResult> f = putOnThree(CommitLevel.ALL);
            replicas.store("peer1");
            assertThat(f).as("1 of 3 stored").isNotDone();
            replicas.store("local");
            assertThat(f).as("2 of 3 stored").isNotDone();
            replicas.store("peer2");
            PutResult r = committed(f);
            assertThat(r.acknowledgedBy()).containsExactlyInAnyOrder("local", "peer1", "peer2");
            assertThat(r.commitLevel()).isEqualTo(CommitLevel.ALL);
        }

        @Test
        @DisplayName("put() responds with success after one replica written with ONE commitLevel")
        void one() {
            CompletableFuture<PutResult> f = putOnThree(CommitLevel.ONE);
            assertThat(f).isNotDone();
            replicas.store("local");
            PutResult r = committed(f);
            assertThat(r.acknowledgedBy()).containsExactly("local");
            assertThat(r.commitLevel()).isEqualTo(CommitLevel.ONE);
        }

        @Test
        @DisplayName("put() at ONE commits on the first replica stored, even a remote one")
        void oneRemoteFirst() {
            CompletableFuture<PutResult> f = putOnThree(CommitLevel.ONE);
            replicas.store("peer1");
            assertThat(committed(f).acknowledgedBy()).containsExactly("peer1");
        }

        @Test
        @DisplayName("put() at ONE fails only when the last of three replicas fails")
        void oneFailsWhenAllFailed() {
            CompletableFuture<PutResult> f = putOnThree(CommitLevel.ONE);
            replicas.fail("local");
            assertThat(f).isNotDone();
            replicas.fail("peer1");
            assertThat(f).isNotDone();
            replicas.fail("peer2");
            assertThat(failure(f)).hasMessageContaining("3 of 3 replicas were not created");
        }

        @Test
        @DisplayName("put() at QUORUM fails when the second of three replicas fails")
        void quorumFailsWhenOutOfReach() {
            CompletableFuture<PutResult> f = putOnThree(CommitLevel.QUORUM);
            replicas.fail("peer1");
            assertThat(f).as("local and peer2 can still make the quorum").isNotDone();
            replicas.fail("local");
            failure(f);
        }

        @Test
        @DisplayName("put() at QUORUM with one stored fails only when the last running replica fails")
        void quorumWithOneStoredFailsOnLastChance() {
            CompletableFuture<PutResult> f = putOnThree(CommitLevel.QUORUM);
            replicas.store("local");
            replicas.fail("peer1");
            assertThat(f).as("peer2 can still make the quorum").isNotDone();
            replicas.fail("peer2");
            assertThat(failure(f)).hasMessageContaining("2 of 3 replicas were not created");
        }

        @Test
        @DisplayName("put() at ALL fails at the first failure when no spare is left")
        void allFailsAtFirstFailure() {
            CompletableFuture<PutResult> f = putOnThree(CommitLevel.ALL);
            replicas.store("local");
            assertThat(f).isNotDone();
            replicas.fail("peer2");
            failure(f);
        }
    }
}
