package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worked examples of DESIGN.md §4 (all from the seed). */
class PlacementTest {
    private static Placement.Candidate c(String id, PeerLocation l) {
        return new Placement.Candidate(id, l);
    }

    @Test
    void rf3WithTwoZoneReplicasAndPeersInTwoZonesTakesOnePerZone() {
        Placement p = Placement.plan("local", "k", List.of(c("z1a", PeerLocation.zone("z1")), c("z1b", PeerLocation.zone("z1")),
                c("z2a", PeerLocation.zone("z2"))), new ReplicationStrategy(3, 2, 0));
        assertThat(p.replicas()).hasSize(3).startsWith("local").contains("z2a");
        assertThat(p.replicas().stream().filter(id -> id.startsWith("z1")).count()).isEqualTo(1);
        assertThat(p.adherence()).isEqualTo(Placement.Adherence.MEETS_STRICT);
        assertThat(p.spares()).hasSize(1);
    }

    @Test
    void bothPeersInOneOtherZoneAreBothTaken() {
        Placement p = Placement.plan("local", "k", List.of(c("a", PeerLocation.zone("z")), c("b", PeerLocation.zone("z"))),
                new ReplicationStrategy(3, 2, 0));
        assertThat(p.replicas()).containsExactlyInAnyOrder("local", "a", "b");
        assertThat(p.adherence()).isEqualTo(Placement.Adherence.MEETS_STRICT);
    }

    @Test
    void zoneReplicasFallBackToRegionsThenSameZone() {
        Placement regions = Placement.plan("local", "k", List.of(c("a", PeerLocation.region("r1")), c("b", PeerLocation.region("r2"))),
                new ReplicationStrategy(3, 2, 0));
        assertThat(regions.replicas()).containsExactlyInAnyOrder("local", "a", "b");
        assertThat(regions.adherence()).isEqualTo(Placement.Adherence.MEETS_SOFT);
        Placement same = Placement.plan("local", "k", List.of(c("a", PeerLocation.sameZone()), c("b", PeerLocation.sameZone())),
                new ReplicationStrategy(3, 2, 0));
        assertThat(same.replicas()).containsExactlyInAnyOrder("local", "a", "b");
    }

    @Test
    void rf4WithOneOfEachTakesAllFourInOrder() {
        Placement p = Placement.plan("local", "k", List.of(c("same", PeerLocation.sameZone()), c("reg", PeerLocation.region("r")),
                c("zon", PeerLocation.zone("z"))), new ReplicationStrategy(4, 1, 1));
        assertThat(p.replicas()).containsExactly("local", "zon", "reg", "same");
    }

    @Test
    void tooFewPeersIsInfeasible() {
        Placement p = Placement.plan("local", "k", List.of(c("a", PeerLocation.sameZone())), new ReplicationStrategy(3, 0, 0));
        assertThat(p.feasible()).isFalse();
        assertThat(p.adherence()).isEqualTo(Placement.Adherence.FAIL);
    }

    @Test
    void theLocalNodeIsNeverAPeer() {
        Placement p = Placement.plan("n1", "k", List.of(c("n1", PeerLocation.sameZone()), c("n2", PeerLocation.sameZone())),
                new ReplicationStrategy(2, 0, 0));
        assertThat(p.replicas()).containsExactly("n1", "n2");
        assertThat(p.spares()).isEmpty();
    }

    @Test
    void differentKeysSpreadLoadOverDifferentPlans() {
        List<Placement.Candidate> peers = List.of(c("a", PeerLocation.sameZone()), c("b", PeerLocation.sameZone()),
                c("c", PeerLocation.sameZone()), c("d", PeerLocation.sameZone()), c("e", PeerLocation.sameZone()),
                c("f", PeerLocation.sameZone()));
        Set<List<String>> plans = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            plans.add(Placement.plan("local", "key-" + i, peers, new ReplicationStrategy(3, 0, 0)).replicas());
        }
        assertThat(plans.size()).isGreaterThan(5);
    }
}
