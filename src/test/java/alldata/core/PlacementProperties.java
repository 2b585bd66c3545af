package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Placement over random peer sets and strategies: the invariants of DESIGN.md §4. */
class PlacementProperties {

    @Provide
    Arbitrary<List<Placement.Candidate>> peers() {
        Arbitrary<PeerLocation> location = Arbitraries.oneOf(
                Arbitraries.just(PeerLocation.sameZone()),
                Arbitraries.of("z1", "z2", "z3", "z4").map(PeerLocation::zone),
                Arbitraries.of("r1", "r2", "r3").map(PeerLocation::region));
        return location.list().ofMaxSize(12).map(ls -> {
            List<Placement.Candidate> out = new ArrayList<>();
            for (int i = 0; i < ls.size(); i++) {
                out.add(new Placement.Candidate("p" + i, ls.get(i)));
            }
            return out;
        });
    }

    @Provide
    Arbitrary<ReplicationStrategy> strategies() {
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 4)).as(ReplicationStrategy::new);
    }

    private static Map<String, PeerLocation> locations(List<Placement.Candidate> peers) {
        return peers.stream().collect(Collectors.toMap(Placement.Candidate::id, Placement.Candidate::location));
    }

    @Property
    void localFirstNoNodeTwiceAndEveryPeerAccountedFor(@ForAll("peers") List<Placement.Candidate> peers,
                                                         @ForAll("strategies") ReplicationStrategy s, @ForAll String key) {
        Placement p = Placement.plan("local", key, peers, s);
        assertThat(p.replicas().get(0)).isEqualTo("local");
        List<String> all = new ArrayList<>(p.replicas());
        all.addAll(p.spares());
        assertThat(new HashSet<>(all)).hasSameSizeAs(all);
        Set<String> expected = new HashSet<>(locations(peers).keySet());
        expected.add("local");
        assertThat(new HashSet<>(all)).isEqualTo(expected);
    }

    @Property
    void exactlyTheReplicationFactorWhenEnoughPeersExist(@ForAll("peers") List<Placement.Candidate> peers,
                                                         @ForAll("strategies") ReplicationStrategy s, @ForAll String key) {
        Placement p = Placement.plan("local", key, peers, s);
        if (peers.size() + 1 >= s.replicationFactor()) {
            assertThat(p.replicas()).hasSize(s.replicationFactor());
            assertThat(p.feasible()).isTrue();
        } else {
            assertThat(p.adherence()).isEqualTo(Placement.Adherence.FAIL);
        }
    }

    @Property
    void strategyIsHonouredBeforeSameZonePeersAndSpreadOverLocations(@ForAll("peers") List<Placement.Candidate> peers,
                                                                      @ForAll("strategies") ReplicationStrategy s,
                                                                      @ForAll String key) {
        Map<String, PeerLocation> loc = locations(peers);
        Placement p = Placement.plan("local", key, peers, s);
        List<String> remote = p.replicas().subList(1, p.replicas().size());
        long zonePeers = loc.values().stream().filter(l -> l instanceof PeerLocation.OtherZone).count();
        long regionPeers = loc.values().stream().filter(l -> l instanceof PeerLocation.OtherRegion).count();
        int rf = s.replicationFactor();
        int wantZone = (int) Math.min(Math.min(s.otherZoneReplicas(), rf - 1), zonePeers);
        int wantRegion = (int) Math.min(Math.min(s.otherRegionReplicas(), rf - 1 - wantZone), regionPeers);
        // the first replicas after local are the other-zone ones, then the other-region ones
        List<String> zoneTaken = remote.subList(0, Math.min(wantZone, remote.size()));
        assertThat(zoneTaken).allSatisfy(id -> assertThat(loc.get(id)).isInstanceOf(PeerLocation.OtherZone.class));
        List<String> regionTaken = remote.subList(zoneTaken.size(), Math.min(zoneTaken.size() + wantRegion, remote.size()));
        assertThat(regionTaken).allSatisfy(id -> assertThat(loc.get(id)).isInstanceOf(PeerLocation.OtherRegion.class));
        // spread: as many distinct zones (regions) as there are picks, up to the number available
        Set<String> zones = loc.values().stream().filter(l -> l instanceof PeerLocation.OtherZone)
                .map(l -> ((PeerLocation.OtherZone) l).zone()).collect(Collectors.toSet());
        assertThat(zoneTaken.stream().map(id -> ((PeerLocation.OtherZone) loc.get(id)).zone()).distinct().count())
                .isEqualTo(Math.min(zoneTaken.size(), zones.size()));
        Set<String> regions = loc.values().stream().filter(l -> l instanceof PeerLocation.OtherRegion)
                .map(l -> ((PeerLocation.OtherRegion) l).region()).collect(Collectors.toSet());
        assertThat(regionTaken.stream().map(id -> ((PeerLocation.OtherRegion) loc.get(id)).region()).distinct().count())
                .isEqualTo(Math.min(regionTaken.size(), regions.size()));
        // a same-zone peer is used before a fallback to other zones/regions only within the step-4 budget
        int sameZonePeers = (int) loc.values().stream().filter(l -> l == PeerLocation.sameZone()).count();
        long sameZoneUsed = remote.stream().filter(id -> loc.get(id) == PeerLocation.sameZone()).count();
        assertThat(sameZoneUsed).isLessThanOrEqualTo(sameZonePeers);
    }

    @Property
    void sparesFollowGetItDoneOrder(@ForAll("peers") List<Placement.Candidate> peers,
                                    @ForAll("strategies") ReplicationStrategy s, @ForAll String key) {
        Map<String, PeerLocation> loc = locations(peers);
        List<Integer> ranks = Placement.plan("local", key, peers, s).spares().stream()
                .map(id -> loc.get(id) instanceof PeerLocation.OtherZone ? 0 : loc.get(id) instanceof PeerLocation.OtherRegion ? 1 : 2)
                .toList();
        assertThat(ranks).isSorted();
    }

    @Property
    void sameKeyAndSamePeersGiveTheSamePlanInAnyInputOrder(@ForAll("peers") List<Placement.Candidate> peers,
                                                           @ForAll("strategies") ReplicationStrategy s, @ForAll String key,
                                                           @ForAll @IntRange(min = 0, max = 1000) int shuffleSeed) {
        List<Placement.Candidate> shuffled = new ArrayList<>(peers);
        Collections.shuffle(shuffled, new Random(shuffleSeed));
        assertThat(Placement.plan("local", key, shuffled, s)).isEqualTo(Placement.plan("local", key, peers, s));
    }
}
