package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The seed's own test suite (new, addPeer, dropPeer, put), translated case by case. */
class CoordinatorSeedSuiteTest {
    private static final byte[] EVENT = "{\"foo\":\"bar\"}".getBytes(StandardCharsets.UTF_8);

    private final Replicas replicas = new Replicas();
    private final ManualTime time = new ManualTime();

    private Coordinator coordinator(CoordinatorOptions options) {
        return new Coordinator(replicas, options, replicas, time);
    }

    private static CoordinatorOptions.Builder rf(int replicationFactor) {
        return CoordinatorOptions.builder().replicationFactor(replicationFactor);
    }

    private static void assertFailed(CompletableFuture<PutResult> f) {
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ReplicationException.class);
    }

    @Nested
    class New {
        @Test
        @DisplayName("new AllDataCoordinator() configures commitLevel from options")
        void commitLevel() {
            assertThat(coordinator(CoordinatorOptions.builder().commitLevel(CommitLevel.ALL).build()).options().commitLevel())
                    .isEqualTo(CommitLevel.ALL);
        }

        @Test
        @DisplayName("new AllDataCoordinator() configures replicationFactor from options")
        void replicationFactor() {
            assertThat(coordinator(rf(3).build()).options().replicationFactor()).isEqualTo(3);
        }

        @Test
        @DisplayName("new AllDataCoordinator() configures replicationStrategy from options")
        void strategy() {
            CoordinatorOptions o = CoordinatorOptions.builder().otherRegionReplicas(1).otherZoneReplicas(2).build();
            assertThat(o.otherRegionReplicas()).isEqualTo(1);
            assertThat(o.otherZoneReplicas()).isEqualTo(2);
        }

        @Test
        @DisplayName("new AllDataCoordinator() configures localStorage from params")
        void localStorage() {
            coordinator(CoordinatorOptions.defaults()).put("key1", EVENT);
            assertThat(replicas.nodes()).containsExactly(Coordinator.LOCAL);
        }

        @Test
        @DisplayName("defaults are QUORUM, replication factor 1, no strategy, 30 s")
        void defaults() {
            CoordinatorOptions o = CoordinatorOptions.defaults();
            assertThat(o.commitLevel()).isEqualTo(CommitLevel.QUORUM);
            assertThat(o.replicationFactor()).isEqualTo(1);
            assertThat(o.otherZoneReplicas()).isZero();
            assertThat(o.otherRegionReplicas()).isZero();
            assertThat(o.replicaTimeout()).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        @DisplayName("build() rejects values out of range")
        void rejectsBadValues() {
            assertThatThrownBy(() -> rf(0).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicationFactor");
            assertThatThrownBy(() -> CoordinatorOptions.builder().otherZoneReplicas(-1).build()).hasMessageContaining("otherZoneReplicas");
            assertThatThrownBy(() -> CoordinatorOptions.builder().otherRegionReplicas(-1).build()).hasMessageContaining("otherRegionReplicas");
            assertThatThrownBy(() -> CoordinatorOptions.builder().replicaTimeout(Duration.ZERO).build()).hasMessageContaining("replicaTimeout");
            assertThatThrownBy(() -> CoordinatorOptions.builder().replicaTimeout(Duration.ofMillis(-1)).build()).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CoordinatorOptions.builder().commitLevel(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Nested
    class AddPeer {
        private final Coordinator c = coordinator(CoordinatorOptions.defaults());

        @Test
        @DisplayName("addPeer() adding local peer increments noOfPeers")
        void local() {
            c.addPeer(new Peer("foo"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding same local peer does not increment noOfPeers")
        void sameLocal() {
            c.addPeer(new Peer("foo"));
            c.addPeer(new Peer("foo"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding zone peer increments noOfPeers")
        void zone() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding same zone peer does not increment noOfPeers")
        void sameZonePeer() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding another peer to different zone increments noOfPeers")
        void differentZone() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.zone("far"));
            assertThat(c.peerCount()).isEqualTo(2);
        }

        @Test
        @DisplayName("addPeer() adding region peer increments noOfPeers")
        void region() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding same region peer does not increment noOfPeers")
        void sameRegionPeer() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() adding another peer to different region increments noOfPeers")
        void differentRegion() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.region("far"));
            assertThat(c.peerCount()).isEqualTo(2);
        }

        @Test
        @DisplayName("addPeer() adding peers to local, zone, and region increments noOfPeers")
        void mixed() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            assertThat(c.peerCount()).isEqualTo(1);
            c.addPeer(new Peer("baz"), PeerLocation.region("far"));
            assertThat(c.peerCount()).isEqualTo(2);
            c.addPeer(new Peer("buz"));
            assertThat(c.peerCount()).isEqualTo(3);
        }

        @Test
        @DisplayName("addPeer() of a known id at another location changes nothing")
        void knownIdElsewhere() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("foo"), PeerLocation.region("far"));
            assertThat(c.peerCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("addPeer() rejects the reserved id, a missing location and blank names")
        void rejectsBadPeers() {
            assertThatThrownBy(() -> c.addPeer(new Peer("local"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
            assertThatThrownBy(() -> c.addPeer(new Peer("p"), null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.addPeer(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> PeerLocation.zone(" ")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> PeerLocation.region(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Peer("")).isInstanceOf(IllegalArgumentException.class);
            assertThat(c.peerCount()).isZero();
        }
    }

    @Nested
    class DropPeer {
        private final Coordinator c = coordinator(CoordinatorOptions.defaults());

        @Test
        @DisplayName("dropPeer() drops local peer and decrements noOfPeers")
        void local() {
            c.addPeer(new Peer("foo"));
            assertThat(c.dropPeer("foo")).isTrue();
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() dropping same local peer does not decrement noOfPeers")
        void twice() {
            c.addPeer(new Peer("foo"));
            c.dropPeer("foo");
            assertThat(c.dropPeer("foo")).isFalse();
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() dropping zone peer decrements noOfPeers")
        void zone() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            assertThat(c.dropPeer("foo")).isTrue();
            assertThat(c.dropPeer("foo")).isFalse();
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() dropping another peer from different zone decrements noOfPeers")
        void differentZones() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.zone("far"));
            c.dropPeer("baz");
            assertThat(c.peerCount()).isEqualTo(1);
            c.dropPeer("foo");
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() dropping region peers decrements noOfPeers")
        void regions() {
            c.addPeer(new Peer("foo"), PeerLocation.region("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.region("far"));
            c.dropPeer("foo");
            assertThat(c.peerCount()).isEqualTo(1);
            assertThat(c.dropPeer("foo")).isFalse();
            c.dropPeer("baz");
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() dropping peers from local, zone, and region decrements noOfPeers")
        void mixed() {
            c.addPeer(new Peer("foo"), PeerLocation.zone("bar"));
            c.addPeer(new Peer("baz"), PeerLocation.region("far"));
            c.addPeer(new Peer("buz"));
            c.dropPeer("foo");
            assertThat(c.peerCount()).isEqualTo(2);
            c.dropPeer("baz");
            assertThat(c.peerCount()).isEqualTo(1);
            c.dropPeer("buz");
            assertThat(c.peerCount()).isZero();
        }

        @Test
        @DisplayName("dropPeer() of an unknown id returns false")
        void unknown() {
            assertThat(c.dropPeer("nobody")).isFalse();
        }
    }

    @Nested
    class Put {
        @Test
        @DisplayName("put() returns immediate failure if noOfPeers + 1 is less than replicationFactor")
        void notEnoughPeers() {
            Coordinator c = coordinator(rf(3).build());
            c.addPeer(new Peer("peer1"));
            CompletableFuture<PutResult> f = c.put("key1", EVENT);
            assertFailed(f);
            assertThatThrownBy(f::get).hasMessageContaining("not enough live peers").hasMessageContaining("nothing was written");
            assertThat(replicas.nodes()).isEmpty();
        }

        @Test
        @DisplayName("put() creates a local replica")
        void local() throws Exception {
            CompletableFuture<PutResult> f = coordinator(CoordinatorOptions.defaults()).put("key1", EVENT);
            assertThat(replicas.keys).containsExactly("key1");
            assertThat(replicas.events.get(0)).isEqualTo(EVENT);
            assertThat(f).isNotDone();
            replicas.store("local");
            assertThat(f.get().acknowledgedBy()).containsExactly("local");
        }

        @Test
        @DisplayName("put() creates only a local replica if replicationFactor == 1")
        void onlyLocal() {
            Coordinator c = coordinator(CoordinatorOptions.defaults());
            c.addPeer(new Peer("peer1"));
            c.put("key1", EVENT);
            assertThat(replicas.nodes()).containsExactly("local");
        }

        @Test
        @DisplayName("put() creates local and one other zone replica if otherZoneReplicas == 1")
        void oneZone() {
            Coordinator c = coordinator(rf(2).otherZoneReplicas(1).build());
            c.addPeer(new Peer("peer1"), PeerLocation.zone("zone1"));
            c.put("key1", EVENT);
            assertThat(replicas.nodes()).containsExactly("local", "peer1");
            assertThat(replicas.keys).containsOnly("key1");
            assertThat(replicas.events).allSatisfy(e -> assertThat(e).isEqualTo(EVENT));
        }

        private void placesBoth(CoordinatorOptions options, PeerLocation l1, PeerLocation l2) {
            Coordinator c = coordinator(options);
            c.addPeer(new Peer("peer1"), l1);
            c.addPeer(new Peer("peer2"), l2);
            c.put("key1", EVENT);
            assertThat(replicas.nodes()).hasSize(3).startsWith("local").contains("peer1", "peer2");
        }

        @Test
        @DisplayName("put() creates local replica and replicas in two other zones if otherZoneReplicas == 2 and have peers in two other zones")
        void twoZones() {
            placesBoth(rf(3).otherZoneReplicas(2).build(), PeerLocation.zone("zone1"), PeerLocation.zone("zone2"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in one other zone if otherZoneReplicas == 2 and have peers in only one other zone")
        void oneOtherZone() {
            placesBoth(rf(3).otherZoneReplicas(2).build(), PeerLocation.zone("zone1"), PeerLocation.zone("zone1"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in other regions if otherZoneReplicas == 2 and have no peers in other zone")
        void zoneFallsBackToRegions() {
            placesBoth(rf(3).otherZoneReplicas(2).build(), PeerLocation.region("region1"), PeerLocation.region("region2"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in local zone if otherZoneReplicas == 2 and have no peers in other zone or other region")
        void zoneFallsBackToSameZone() {
            placesBoth(rf(3).otherZoneReplicas(2).build(), PeerLocation.sameZone(), PeerLocation.sameZone());
        }

        @Test
        @DisplayName("put() creates local and one other region replica if otherRegionReplicas == 1")
        void oneRegion() {
            Coordinator c = coordinator(rf(2).otherRegionReplicas(1).build());
            c.addPeer(new Peer("peer1"), PeerLocation.region("region1"));
            c.put("key1", EVENT);
            assertThat(replicas.nodes()).containsExactly("local", "peer1");
        }

        @Test
        @DisplayName("put() creates local replica and replicas in two other regions if otherRegionReplicas == 2 and have peers in two other regions")
        void twoRegions() {
            placesBoth(rf(3).otherRegionReplicas(2).build(), PeerLocation.region("region1"), PeerLocation.region("region2"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in one other region if otherRegionReplicas == 2 and have peers in only one other region")
        void oneOtherRegion() {
            placesBoth(rf(3).otherRegionReplicas(2).build(), PeerLocation.region("region1"), PeerLocation.region("region1"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in other zones if otherRegionReplicas == 2 and have no peers in other region")
        void regionFallsBackToZones() {
            placesBoth(rf(3).otherRegionReplicas(2).build(), PeerLocation.zone("zone1"), PeerLocation.zone("zone2"));
        }

        @Test
        @DisplayName("put() creates local replica and replicas in local zone if otherRegionReplicas == 2 and have no peers in other zone or other region")
        void regionFallsBackToSameZone() {
            placesBoth(rf(3).otherRegionReplicas(2).build(), PeerLocation.sameZone(), PeerLocation.sameZone());
        }

        @Test
        @DisplayName("put() creates local replica and replica in other zone, other region, and local zone if otherZoneReplicas == 1, otherRegionReplicas == 1, and replicationFactor == 4")
        void allLocations() {
            Coordinator c = coordinator(rf(4).otherZoneReplicas(1).otherRegionReplicas(1).build());
            c.addPeer(new Peer("peer1"), PeerLocation.zone("zone1"));
            c.addPeer(new Peer("peer2"), PeerLocation.region("region1"));
            c.addPeer(new Peer("peer3"));
            c.put("key1", EVENT);
            assertThat(replicas.nodes()).containsExactly("local", "peer1", "peer2", "peer3");
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in local storage")
        void localError() {
            CompletableFuture<PutResult> f = coordinator(rf(1).build()).put("key1", EVENT);
            assertThat(f).isNotDone();
            replicas.fail("local");
            assertFailed(f);
            assertThatThrownBy(f::get).hasMessageContaining("1 of 1 replicas were not created");
        }

        private void failsAfterPeerError(CoordinatorOptions options, PeerLocation location) {
            Coordinator c = coordinator(options);
            c.addPeer(new Peer("peer1"), location);
            CompletableFuture<PutResult> f = c.put("key1", EVENT);
            replicas.store("local");
            assertThat(f).isNotDone();
            replicas.fail("peer1");
            assertFailed(f);
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in zone peer")
        void zonePeerError() {
            failsAfterPeerError(rf(2).otherZoneReplicas(1).build(), PeerLocation.zone("zone1"));
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in region peer")
        void regionPeerError() {
            failsAfterPeerError(rf(2).otherRegionReplicas(1).build(), PeerLocation.region("region1"));
        }

        private void failsAfterPeerAndSpareError(CoordinatorOptions options, String planned, String spare) {
            Coordinator c = coordinator(options);
            c.addPeer(new Peer("peer1"), PeerLocation.zone("zone1"));
            c.addPeer(new Peer("peer2"), PeerLocation.region("region1"));
            CompletableFuture<PutResult> f = c.put("key1", EVENT);
            assertThat(replicas.nodes()).containsExactly("local", planned);
            replicas.store("local");
            replicas.fail(planned);
            assertThat(replicas.nodes()).as("get it done: the spare gets the _put").containsExactly("local", planned, spare);
            assertThat(f).isNotDone();
            replicas.fail(spare);
            assertFailed(f);
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in zone peer and error in extra peer")
        void zoneAndSpareError() {
            failsAfterPeerAndSpareError(rf(2).otherZoneReplicas(1).build(), "peer1", "peer2");
        }

        @Test
        @DisplayName("put() responds with an error if not enough replicas after error in region peer and error in extra peer")
        void regionAndSpareError() {
            failsAfterPeerAndSpareError(rf(2).otherRegionReplicas(1).build(), "peer2", "peer1");
        }

        private Coordinator threeWay() {
            Coordinator c = coordinator(rf(3).otherZoneReplicas(2).build());
            c.addPeer(new Peer("peer1"), PeerLocation.zone("zone1"));
            c.addPeer(new Peer("peer2"), PeerLocation.region("region1"));
            return c;
        }

        @Test
        @DisplayName("put() responds with success after majority replicas written with QUORUM commitLevel")
        void quorum() throws Exception {
            CompletableFuture<PutResult> f = threeWay().put("key1", EVENT, CommitLevel.QUORUM);
            replicas.store("peer2");
            assertThat(f).isNotDone();
            replicas.store("local");
            assertThat(f).isCompleted();
            assertThat(f.get().acknowledgedBy()).containsExactly("local", "peer2");
            assertThat(f.get().commitLevel()).isEqualTo(CommitLevel.QUORUM);
            replicas.store("peer1");
            assertThat(f.get().acknowledgedBy()).hasSize(2);
        }

        @Test
        @DisplayName("put() responds with success after all replicas written with ALL commitLevel")
        void all() throws Exception {
            CompletableFuture<PutResult> f = threeWay().put("key1", EVENT, CommitLevel.ALL);
            replicas.store("local");
            replicas.store("peer1");
            assertThat(f).isNotDone();
            replicas.store("peer2");
            assertThat(f.get().acknowledgedBy()).containsExactly("local", "peer1", "peer2");
        }

        @Test
        @DisplayName("put() responds with success after one replica written with ONE commitLevel")
        void one() throws Exception {
            CompletableFuture<PutResult> f = threeWay().put("key1", EVENT, CommitLevel.ONE);
            assertThat(f).isNotDone();
            replicas.store("local");
            assertThat(f.get().acknowledgedBy()).containsExactly("local");
            assertThat(f.get().key()).isEqualTo("key1");
        }

        @Test
        @DisplayName("QUORUM fails only once the quorum is out of reach")
        void quorumFailsWhenOutOfReach() {
            CompletableFuture<PutResult> f = threeWay().put("key1", EVENT, CommitLevel.QUORUM);
            replicas.fail("peer1");
            assertThat(f).as("local and peer2 can still make the quorum").isNotDone();
            replicas.store("local");
            assertThat(f).isNotDone();
            replicas.fail("peer2");
            assertFailed(f);
        }
    }
}
