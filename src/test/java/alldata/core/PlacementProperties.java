package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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

/**
 * Placement over random peer sets (random ids; a random mix of same-zone peers, peers in zones z1..z4 and
 * peers in regions r1..r3), random strategies (RF 1..6, otherZone 0..4, otherRegion 0..4) and random keys:
 * the placement rules of docs/architecture.md (section "Placement").
 */
class PlacementProperties {
    private static final String LOCAL = "local";

    /** Where a peer is, in the order of placement's steps and of the spares. */
    private enum Kind { ZONE, REGION, SAME }

    @Provide
    Arbitrary<List<Placement.Candidate>> peers() {
        Arbitrary<PeerLocation> location = Arbitraries.oneOf(
                Arbitraries.just(PeerLocation.sameZone()),
                Arbitraries.of("z1", "z2", "z3", "z4").map(PeerLocation::zone),
                Arbitraries.of("r1", "r2", "r3").map(PeerLocation::region));
        Arbitrary<String> id = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(6)
                .filter(s -> !s.equals(LOCAL));
        return Combinators.combine(id, location).as(Placement.Candidate::new)
                .list().uniqueElements(Placement.Candidate::id).ofMaxSize(14);
    }

    @Provide
    Arbitrary<ReplicationStrategy> strategies() {
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 4)).as(ReplicationStrategy::new);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(50),
                Arbitraries.longs().between(0, 253_402_300_799_999L).map(ms -> AllDataKey.ingest(ms, 0, ms % 1000).value()));
    }

    private static Kind kind(PeerLocation l) {
        if (l instanceof PeerLocation.OtherZone) {
            return Kind.ZONE;
        }
        return l instanceof PeerLocation.OtherRegion ? Kind.REGION : Kind.SAME;
    }

    private static String group(PeerLocation l) {
        if (l instanceof PeerLocation.OtherZone z) {
            return z.zone();
        }
        return l instanceof PeerLocation.OtherRegion r ? r.region() : "";
    }

    private static Map<String, PeerLocation> byId(List<Placement.Candidate> peers) {
        return peers.stream().collect(Collectors.toMap(Placement.Candidate::id, Placement.Candidate::location));
    }

    private static int count(List<Placement.Candidate> peers, Kind k) {
        return (int) peers.stream().filter(c -> kind(c.location()) == k).count();
    }

    private static List<Kind> kinds(List<String> ids, Map<String, PeerLocation> loc) {
        return ids.stream().map(id -> kind(loc.get(id))).toList();
    }

    /** Replicas after the local one. */
    private static List<String> remote(Placement p) {
        return p.replicas().subList(1, p.replicas().size());
    }

    @Property
    void localIsTheFirstReplica(@ForAll("peers") List<Placement.Candidate> peers, @ForAll("strategies") ReplicationStrategy s,
                                @ForAll("keys") String key) {
        assertThat(Placement.plan(LOCAL, key, peers, s).replicas().get(0)).isEqualTo(LOCAL);
    }

    @Property
    void noNodeAppearsTwiceAcrossReplicasAndSpares(@ForAll("peers") List<Placement.Candidate> peers,
                                                   @ForAll("strategies") ReplicationStrategy s, @ForAll("keys") String key) {
        Placement p = Placement.plan(LOCAL, key, peers, s);
        List<String> all = new ArrayList<>(p.replicas());
        all.addAll(p.spares());
        assertThat(all).doesNotHaveDuplicates();
    }

    @Property
    void replicasAndSparesAreEveryPeerAndTheLocalNode(@ForAll("peers") List<Placement.Candidate> peers,
                                                      @ForAll("strategies") ReplicationStrategy s, @ForAll("keys") String key) {
        Placement p = Placement.plan(LOCAL, key, peers, s);
        Set<String> expected = new HashSet<>(byId(peers).keySet());
        expected.add(LOCAL);
        List<String> all = new ArrayList<>(p.replicas());
        all.addAll(p.spares());
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Property
    void exactlyTheReplicationFactorWhenThereAreEnoughPeers(@ForAll("peers") List<Placement.Candidate> peers,
                                                            @ForAll("strategies") ReplicationStrategy s,
                                                            @ForAll("keys") String key) {
        Placement p = Placement.plan(LOCAL, key, peers, s);
        if (peers.size() + 1 >= s.replicationFactor()) {
            assertThat(p.replicas()).hasSize(s.replicationFactor());
            assertThat(p.feasible()).isTrue();
        } else {
            assertThat(p.adherence()).isEqualTo(Placement.Adherence.FAIL);
            assertThat(p.feasible()).isFalse();
            assertThat(p.spares()).as("every peer is already a replica").isEmpty();
        }
    }

    @Property
    void firstReplicasAfterLocalAreTheWantedOtherZonePeers(@ForAll("peers") List<Placement.Candidate> peers,
                                                          @ForAll("strategies") ReplicationStrategy s,
                                                          @ForAll("keys") String key) {
        Placement p = Placement.plan(LOCAL, key, peers, s);
        int wantZone = Math.min(Math.min(s.otherZoneReplicas(), s.replicationFactor() - 1), count(peers, Kind.ZONE));
        assertThat(kinds(remote(p), byId(peers)).subList(0, wantZone)).allMatch(k -> k == Kind.ZONE);
    }

    @Property
    void otherRegionPeersFollowTheOtherZonePeers(@ForAll("peers") List<Placement.Candidate> peers,
                                                 @ForAll("strategies") ReplicationStrategy s, @ForAll("keys") String key) {
        Placement p = Placement.plan(LOCAL, key, peers, s);
        int rf = s.replicationFactor();
        int zone = Math.min(Math.min(s.otherZoneReplicas(), rf - 1), count(peers, Kind.ZONE));
        int region = Math.min(Math.min(s.otherRegionReplicas(), rf - 1 - zone), count(peers, Kind.REGION));
        assertThat(kinds(remote(p), byId(peers)).subList(zone, zone + region)).allMatch(k -> k == Kind.REGION);
    }

    @Property
    void replicasFollowThePlacementSteps(@ForAll("peers") List<Placement.Candidate> peers,
                                         @ForAll("strategies") ReplicationStrategy s, @ForAll("keys") String key) {
        int rf = s.replicationFactor();
        int zones = count(peers, Kind.ZONE);
        int regions = count(peers, Kind.REGION);
        int same = count(peers, Kind.SAME);
        int kz = Math.min(Math.min(s.otherZoneReplicas(), rf - 1), zones);                  // step 2
        int kr = Math.min(Math.min(s.otherRegionReplicas(), rf - 1 - kz), regions);         // step 3
        int ks = Math.min(rf - 1 - kz - kr, same);                                          // step 4
        int missing = rf - 1 - kz - kr - ks;                                                // step 5
        int fz = Math.min(missing, zones - kz);
        int fr = Math.min(missing - fz, regions - kr);
        List<Kind> expected = new ArrayList<>();
        expected.addAll(Collections.nCopies(kz, Kind.ZONE));
        expected.addAll(Collections.nCopies(kr, Kind.REGION));
        expected.addAll(Collections.nCopies(ks, Kind.SAME));
        expected.addAll(Collections.nCopies(fz, Kind.ZONE));
        expected.addAll(Collections.nCopies(fr, Kind.REGION));
        Placement p = Placement.plan(LOCAL, key, peers, s);
        assertThat(kinds(remote(p), byId(peers))).isEqualTo(expected);
    }

    @Property
    void sparesAreUnusedZonePeersThenRegionPeersThenSameZonePeers(@ForAll("peers") List<Placement.Candidate> peers,
                                                                  @ForAll("strategies") ReplicationStrategy s,
                                                                  @ForAll("keys") String key) {
        Placement p = Placement.plan(LOCAL, key, peers, s);
        assertThat(kinds(p.spares(), byId(peers))).isSortedAccordingTo(Enum::compareTo);
    }

    @Property
    void otherZoneReplicasCoverAsManyZonesAsPossible(@ForAll("peers") List<Placement.Candidate> peers,
                                                     @ForAll("strategies") ReplicationStrategy s, @ForAll("keys") String key) {
        assertCoversGroups(peers, Placement.plan(LOCAL, key, peers, s).replicas(), Kind.ZONE);
    }

    @Property
    void otherRegionReplicasCoverAsManyRegionsAsPossible(@ForAll("peers") List<Placement.Candidate> peers,
                                                         @ForAll("strategies") ReplicationStrategy s, @ForAll("keys") String key) {
        assertCoversGroups(peers, Placement.plan(LOCAL, key, peers, s).replicas(), Kind.REGION);
    }

    private static void assertCoversGroups(List<Placement.Candidate> peers, List<String> replicas, Kind k) {
        Map<String, PeerLocation> loc = byId(peers);
        List<String> chosen = replicas.stream().filter(id -> loc.containsKey(id) && kind(loc.get(id)) == k).toList();
        long groups = peers.stream().filter(c -> kind(c.location()) == k).map(c -> group(c.location())).distinct().count();
        long covered = chosen.stream().map(id -> group(loc.get(id))).distinct().count();
        assertThat(covered).isEqualTo(Math.min(chosen.size(), groups));
    }

    @Property
    void otherZonePeersAreSpreadEvenlyOverZonesInEveryPrefix(@ForAll("peers") List<Placement.Candidate> peers,
                                                             @ForAll("strategies") ReplicationStrategy s,
                                                             @ForAll("keys") String key) {
        assertSpreadEvenly(peers, Placement.plan(LOCAL, key, peers, s), Kind.ZONE);
    }

    @Property
    void otherRegionPeersAreSpreadEvenlyOverRegionsInEveryPrefix(@ForAll("peers") List<Placement.Candidate> peers,
                                                                 @ForAll("strategies") ReplicationStrategy s,
                                                                 @ForAll("keys") String key) {
        assertSpreadEvenly(peers, Placement.plan(LOCAL, key, peers, s), Kind.REGION);
    }

    /**
     * The peers of kind {@code k}, replicas then spares, in order: at every prefix no group that still has
     * unused peers has two fewer chosen than another group.
     */
    private static void assertSpreadEvenly(List<Placement.Candidate> peers, Placement p, Kind k) {
        Map<String, PeerLocation> loc = byId(peers);
        Map<String, Long> size = peers.stream().filter(c -> kind(c.location()) == k)
                .collect(Collectors.groupingBy(c -> group(c.location()), Collectors.counting()));
        List<String> order = new ArrayList<>(p.replicas());
        order.addAll(p.spares());
        Map<String, Long> taken = new HashMap<>();
        size.keySet().forEach(g -> taken.put(g, 0L));
        for (String id : order) {
            if (!loc.containsKey(id) || kind(loc.get(id)) != k) {
                continue;
            }
            taken.merge(group(loc.get(id)), 1L, Long::sum);
            long most = Collections.max(taken.values());
            for (Map.Entry<String, Long> e : taken.entrySet()) {
                if (e.getValue() < size.get(e.getKey())) {
                    assertThat(e.getValue()).as("%s after %s in %s", e.getKey(), id, order).isGreaterThanOrEqualTo(most - 1);
                }
            }
        }
    }

    @Property
    void adherenceGradesThePlan(@ForAll("peers") List<Placement.Candidate> peers, @ForAll("strategies") ReplicationStrategy s,
                                @ForAll("keys") String key) {
        int rf = s.replicationFactor();
        int wantZone = Math.min(s.otherZoneReplicas(), rf - 1);
        int wantRegion = Math.min(s.otherRegionReplicas(), rf - 1 - wantZone);
        Placement.Adherence expected = peers.size() + 1 < rf ? Placement.Adherence.FAIL
                : count(peers, Kind.ZONE) >= wantZone && count(peers, Kind.REGION) >= wantRegion
                ? Placement.Adherence.MEETS_STRICT : Placement.Adherence.MEETS_SOFT;
        assertThat(Placement.plan(LOCAL, key, peers, s).adherence()).isEqualTo(expected);
    }

    @Property
    void sameKeyAndSamePeersInAnotherOrderGiveTheSamePlan(@ForAll("peers") List<Placement.Candidate> peers,
                                                          @ForAll("strategies") ReplicationStrategy s,
                                                          @ForAll("keys") String key, @ForAll long shuffleSeed) {
        List<Placement.Candidate> shuffled = new ArrayList<>(peers);
        Collections.shuffle(shuffled, new Random(shuffleSeed));
        assertThat(Placement.plan(LOCAL, key, shuffled, s)).isEqualTo(Placement.plan(LOCAL, key, peers, s));
    }

    @Property
    void theLocalIdAmongThePeersIsIgnored(@ForAll("peers") List<Placement.Candidate> peers,
                                          @ForAll("strategies") ReplicationStrategy s, @ForAll("keys") String key) {
        List<Placement.Candidate> withLocal = new ArrayList<>(peers);
        withLocal.add(new Placement.Candidate(LOCAL, PeerLocation.zone("z1")));
        assertThat(Placement.plan(LOCAL, key, withLocal, s)).isEqualTo(Placement.plan(LOCAL, key, peers, s));
    }
}
