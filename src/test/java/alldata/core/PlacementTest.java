package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The seed's worked examples of placement (docs/architecture.md, section "Placement"), and plan-level rules shown
 * on small cases.
 */
class PlacementTest {
    private static final String KEY = "20261125T041500123-00003-0000000000000001234";

    private static Placement.Candidate c(String id, PeerLocation l) {
        return new Placement.Candidate(id, l);
    }

    private static Placement plan(ReplicationStrategy s, Placement.Candidate... peers) {
        return Placement.plan("local", KEY, List.of(peers), s);
    }

    @Test
    void rf3WithTwoOtherZoneReplicasAndPeersInTwoZonesTakesOnePeerPerZone() {
        Placement p = plan(new ReplicationStrategy(3, 2, 0), c("z1a", PeerLocation.zone("z1")), c("z1b", PeerLocation.zone("z1")),
                c("z2a", PeerLocation.zone("z2")));
        assertThat(p.replicas()).hasSize(3).startsWith("local").contains("z2a").containsAnyOf("z1a", "z1b");
        assertThat(p.adherence()).isEqualTo(Placement.Adherence.MEETS_STRICT);
    }

    @Test
    void rf3WithTwoOtherZoneReplicasAndBothPeersInOneZoneTakesBoth() {
        Placement p = plan(new ReplicationStrategy(3, 2, 0), c("a", PeerLocation.zone("z")), c("b", PeerLocation.zone("z")));
        assertThat(p.replicas()).hasSize(3).startsWith("local").containsOnlyOnce("a", "b");
        assertThat(p.adherence()).isEqualTo(Placement.Adherence.MEETS_STRICT);
    }

    @Test
    void rf3WithTwoOtherZoneReplicasAndOnlyRegionPeersTakesBothRegionPeers() {
        Placement p = plan(new ReplicationStrategy(3, 2, 0), c("a", PeerLocation.region("r1")), c("b", PeerLocation.region("r2")));
        assertThat(p.replicas()).hasSize(3).startsWith("local").containsOnlyOnce("a", "b");
        assertThat(p.adherence()).isEqualTo(Placement.Adherence.MEETS_SOFT);
    }

    @Test
    void rf3WithTwoOtherZoneReplicasAndOnlySameZonePeersTakesBothSameZonePeers() {
        Placement p = plan(new ReplicationStrategy(3, 2, 0), c("a", PeerLocation.sameZone()), c("b", PeerLocation.sameZone()));
        assertThat(p.replicas()).hasSize(3).startsWith("local").containsOnlyOnce("a", "b");
        assertThat(p.adherence()).isEqualTo(Placement.Adherence.MEETS_SOFT);
    }

    @Test
    void rf4WithStrategyOneOneAndOnePeerOfEachKindTakesAllFourInStepOrder() {
        Placement p = plan(new ReplicationStrategy(4, 1, 1), c("same", PeerLocation.sameZone()), c("reg", PeerLocation.region("r")),
                c("zon", PeerLocation.zone("z")));
        assertThat(p.replicas()).containsExactly("local", "zon", "reg", "same");
        assertThat(p.spares()).isEmpty();
    }

    @Test
    void seedReadmeExampleStopsAtTheReplicationFactorBeforeOtherRegions() {
        // replicationFactor 3, otherZoneReplicas 2, otherRegionReplicas 1: local + 2 other zones, no region
        Placement p = plan(new ReplicationStrategy(3, 2, 1), c("z1", PeerLocation.zone("one")), c("z2", PeerLocation.zone("two")),
                c("r1", PeerLocation.region("far")), c("s1", PeerLocation.sameZone()));
        assertThat(p.replicas()).hasSize(3).startsWith("local").contains("z1", "z2");
        assertThat(p.spares()).containsExactly("r1", "s1");
    }

    @Test
    void seedReadmeExampleOneZoneOneRegion() {
        Placement p = plan(new ReplicationStrategy(3, 1, 1), c("z1", PeerLocation.zone("one")), c("r1", PeerLocation.region("far")),
                c("s1", PeerLocation.sameZone()));
        assertThat(p.replicas()).containsExactly("local", "z1", "r1");
        assertThat(p.spares()).containsExactly("s1");
    }

    @Test
    void seedReadmeExampleSameZoneOnly() {
        Placement p = plan(new ReplicationStrategy(3, 0, 0), c("z1", PeerLocation.zone("one")), c("r1", PeerLocation.region("far")),
                c("s1", PeerLocation.sameZone()), c("s2", PeerLocation.sameZone()));
        assertThat(p.replicas()).hasSize(3).startsWith("local").contains("s1", "s2");
        assertThat(p.spares()).containsExactly("z1", "r1");
    }

    @Test
    void tooFewPeersMakesAnInfeasiblePlanWithEveryNode() {
        Placement p = plan(new ReplicationStrategy(3, 0, 0), c("a", PeerLocation.sameZone()));
        assertThat(p.adherence()).isEqualTo(Placement.Adherence.FAIL);
        assertThat(p.feasible()).isFalse();
        assertThat(p.replicas()).containsExactly("local", "a");
    }

    @Test
    void theLocalNodeIsNeverAlsoAPeer() {
        Placement p = Placement.plan("n1", KEY, List.of(c("n1", PeerLocation.sameZone()), c("n2", PeerLocation.sameZone())),
                new ReplicationStrategy(2, 0, 0));
        assertThat(p.replicas()).containsExactly("n1", "n2");
        assertThat(p.spares()).isEmpty();
    }

    @Test
    void sameKeyAndPeersGiveTheSamePlan() {
        List<Placement.Candidate> peers = List.of(c("a", PeerLocation.sameZone()), c("b", PeerLocation.zone("z")),
                c("c", PeerLocation.region("r")), c("d", PeerLocation.sameZone()));
        ReplicationStrategy s = new ReplicationStrategy(3, 1, 0);
        assertThat(Placement.plan("local", KEY, peers, s)).isEqualTo(Placement.plan("local", KEY, List.copyOf(peers), s));
    }

    @Test
    void differentKeysGiveDifferentPlansAtLeastSometimes() {
        List<Placement.Candidate> peers = List.of(c("a", PeerLocation.sameZone()), c("b", PeerLocation.sameZone()),
                c("c", PeerLocation.sameZone()), c("d", PeerLocation.sameZone()), c("e", PeerLocation.sameZone()),
                c("f", PeerLocation.sameZone()));
        Set<List<String>> plans = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            plans.add(Placement.plan("local", "key-" + i, peers, new ReplicationStrategy(3, 0, 0)).replicas());
        }
        assertThat(plans).hasSizeGreaterThan(1);
    }

    @Test
    void differentKeysSpreadReplicasOverEveryPeer() {
        List<Placement.Candidate> peers = List.of(c("a", PeerLocation.sameZone()), c("b", PeerLocation.sameZone()),
                c("c", PeerLocation.sameZone()), c("d", PeerLocation.sameZone()), c("e", PeerLocation.sameZone()),
                c("f", PeerLocation.sameZone()));
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            used.addAll(Placement.plan("local", "key-" + i, peers, new ReplicationStrategy(2, 0, 0)).replicas());
        }
        assertThat(used).containsExactlyInAnyOrder("local", "a", "b", "c", "d", "e", "f");
    }

    @Test
    void placementCopiesItsLists() {
        List<String> replicas = new java.util.ArrayList<>(List.of("local"));
        Placement p = new Placement(replicas, List.of(), Placement.Adherence.MEETS_STRICT);
        replicas.add("x");
        assertThat(p.replicas()).containsExactly("local");
    }
}
