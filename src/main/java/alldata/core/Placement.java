package alldata.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A replica plan: the nodes to start replicas on, in order (the coordinator's own node first), and the
 * unused peers kept in "get it done" order as spares.
 *
 * <p>Plans are made by {@link #plan}, a pure function of the coordinator's id, the key, the live peers and
 * the strategy: the same inputs always give the same plan (randomness is seeded from the key, and the
 * peers are ordered by id before anything random happens).
 *
 * @param replicas  nodes to start replicas on; the first is the coordinator's own node
 * @param spares    unused peers in the order re-placements should try them
 * @param adherence how well the plan meets the strategy
 */
public record Placement(List<String> replicas, List<String> spares, Adherence adherence) {

    /** How well a plan meets the replication strategy (after BookKeeper's placement grades). */
    public enum Adherence {
        /** Fewer live nodes than the replication factor: the put must fail at once. */
        FAIL,
        /** The replication factor is met, but some other-zone or other-region replicas fell back elsewhere. */
        MEETS_SOFT,
        /** The replication factor and the strategy are both met. */
        MEETS_STRICT
    }

    /** A live peer as placement sees it. */
    public record Candidate(String id, PeerLocation location) {
        public Candidate {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(location, "location");
        }
    }

    public Placement {
        replicas = List.copyOf(replicas);
        spares = List.copyOf(spares);
        Objects.requireNonNull(adherence, "adherence");
    }

    /**
     * Whether a plan met the replication strategy and the put's fault-domain requirement, judged from where its nodes
     * are: {@code null} when it did, else why it fell back, e.g. {@code "no live peer in another zone"}.
     *
     * @param strategy the replication strategy
     * @param spread   the fault domains the put's acked replicas must span
     * @param local    the coordinator's own fault domain (the plan's first replica)
     * @param planned  where the plan's other replicas are ({@link FaultDomain#UNKNOWN} counts nowhere)
     */
    public static String fallback(ReplicationStrategy strategy, SpreadRequirement spread, FaultDomain local,
                                  List<FaultDomain> planned) {
        int rf = strategy.replicationFactor();
        int otherZone = 0;
        int otherRegion = 0;
        for (FaultDomain d : planned) {
            if (!d.known()) {
                continue;
            }
            if (!d.region().equals(local.region())) {
                otherRegion++;
            } else if (!d.zone().equals(local.zone())) {
                otherZone++;
            }
        }
        int wantedZone = Math.min(strategy.otherZoneReplicas(), rf - 1);
        int wantedRegion = Math.min(strategy.otherRegionReplicas(), rf - 1 - wantedZone);
        List<String> why = new ArrayList<>(3);
        if (otherZone < wantedZone) {
            why.add("no live peer in another zone (" + otherZone + " of " + wantedZone + " other-zone replicas placed)");
        }
        if (otherRegion < wantedRegion) {
            why.add("no live peer in another region (" + otherRegion + " of " + wantedRegion
                    + " other-region replicas placed)");
        }
        List<FaultDomain> all = new ArrayList<>(planned);
        all.add(local);
        if (!spread.metBy(all)) {
            why.add("no live peer in a missing fault domain (the plan spans " + SpreadRequirement.zoneNames(all).size()
                    + " zones and " + SpreadRequirement.regionNames(all).size() + " regions, the put needs "
                    + spread.minZones() + " and " + spread.minRegions() + ")");
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    /** True when the plan has enough replicas for its replication factor. */
    public boolean feasible() {
        return adherence != Adherence.FAIL;
    }

    /**
     * Plans the replicas of {@code key}.
     *
     * <p>Order: the local node; up to {@code otherZoneReplicas} other-zone peers spread over as many zones
     * as possible; up to {@code otherRegionReplicas} other-region peers spread the same way; random
     * same-zone peers; then, while replicas are missing, any unused peer: other zones, other regions,
     * same zone. What is left, in that last order, are the spares.
     *
     * @param localId  the coordinator's own node id (always the first replica)
     * @param key      the put's key; seeds the randomness
     * @param peers    the live peers (the local node, if present, is ignored)
     * @param strategy replication factor and strategy
     */
    public static Placement plan(String localId, String key, Collection<Candidate> peers, ReplicationStrategy strategy) {
        return Planner.of(localId, peers).plan(key, strategy);
    }

    /**
     * Plans many keys against one view of the peers: the peers are deduplicated, sorted and grouped by zone and
     * region once, and each {@link #plan} only draws its key's random order. Immutable and thread-safe.
     */
    public static final class Planner {
        private final String localId;
        private final List<String> sameZone;
        private final List<List<String>> zones;
        private final List<List<String>> regions;
        /** Each other-zone or other-region peer's group: its zone or its region (all zones of a region count as one). */
        private final Map<String, String> groupOf;

        private Planner(String localId, List<String> sameZone, List<List<String>> zones, List<List<String>> regions) {
            this.localId = localId;
            this.sameZone = sameZone;
            this.zones = zones;
            this.regions = regions;
            Map<String, String> groups = new java.util.HashMap<>();
            for (int i = 0; i < zones.size(); i++) {
                for (String id : zones.get(i)) {
                    groups.put(id, "zone " + i);
                }
            }
            for (int i = 0; i < regions.size(); i++) {
                for (String id : regions.get(i)) {
                    groups.put(id, "region " + i);
                }
            }
            this.groupOf = Map.copyOf(groups);
        }

        /**
         * @param localId the coordinator's own node id (always the first replica)
         * @param peers   the live peers (the local node, if present, is ignored)
         */
        public static Planner of(String localId, Collection<Candidate> peers) {
            Objects.requireNonNull(localId, "localId");
            List<Candidate> sorted = new ArrayList<>(peers.size());
            Set<String> seen = new HashSet<>();
            for (Candidate c : peers) {
                if (!c.id().equals(localId) && seen.add(c.id())) {
                    sorted.add(c);
                }
            }
            sorted.sort((a, b) -> a.id().compareTo(b.id()));
            List<String> sameZone = new ArrayList<>();
            Map<String, List<String>> byZone = new TreeMap<>();
            Map<String, List<String>> byRegion = new TreeMap<>();
            for (Candidate c : sorted) {
                if (c.location() instanceof PeerLocation.OtherZone z) {
                    byZone.computeIfAbsent(z.zone(), k -> new ArrayList<>()).add(c.id());
                } else if (c.location() instanceof PeerLocation.OtherRegion r) {
                    byRegion.computeIfAbsent(r.region(), k -> new ArrayList<>()).add(c.id());
                } else {
                    sameZone.add(c.id());
                }
            }
            return new Planner(localId, List.copyOf(sameZone), copies(byZone), copies(byRegion));
        }

        private static List<List<String>> copies(Map<String, List<String>> groups) {
            List<List<String>> out = new ArrayList<>(groups.size());
            groups.values().forEach(g -> out.add(List.copyOf(g)));
            return List.copyOf(out);
        }

        /** Plans the replicas of {@code key}; see {@link Placement#plan}. */
        public Placement plan(String key, ReplicationStrategy strategy) {
            return plan(key, strategy, SpreadRequirement.NONE);
        }

        /**
         * Plans the replicas of {@code key} so that they span {@code spread} when the live peers allow: before the
         * strategy's own order, one peer in each of {@code minRegions - 1} other regions, then peers in further
         * distinct zones (other zones of the region first, then further regions) until {@code minZones} zones are
         * covered. The rest follows {@link Placement#plan}. With {@link SpreadRequirement#NONE} the plan is exactly
         * {@link #plan(String, ReplicationStrategy)}'s.
         */
        public Placement plan(String key, ReplicationStrategy strategy, SpreadRequirement spread) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(spread, "spread");
            SplittableRandom random = new SplittableRandom(seed(key));
            List<String> zoneOrder = spread(zones, random);
            List<String> regionOrder = spread(regions, random);
            List<String> same = new ArrayList<>(sameZone);
            shuffle(same, random);

            int rf = strategy.replicationFactor();
            List<String> replicas = new ArrayList<>(rf);
            replicas.add(localId);
            int zoneMust = 0;
            int regionMust = 0;
            if (!spread.none()) {
                List<String> must = spreadFirst(zoneOrder, regionOrder, spread, rf - 1);
                replicas.addAll(must);
                for (String id : must) {
                    if (zoneOrder.remove(id)) {
                        zoneMust++;
                    } else if (regionOrder.remove(id)) {
                        regionMust++;
                    }
                }
            }
            int zoneTaken = zoneMust + take(zoneOrder,
                    Math.min(Math.max(0, strategy.otherZoneReplicas() - zoneMust), rf - replicas.size()), replicas);
            int regionTaken = regionMust + take(regionOrder,
                    Math.min(Math.max(0, strategy.otherRegionReplicas() - regionMust), rf - replicas.size()), replicas);
            zoneOrder = zoneOrder.subList(zoneTaken - zoneMust, zoneOrder.size());
            regionOrder = regionOrder.subList(regionTaken - regionMust, regionOrder.size());
            int sameTaken = take(same, rf - replicas.size(), replicas);

            // step 5, "get it done": any unused peer, other zones first, then other regions, then same zone
            List<String> fallback = new ArrayList<>(zoneOrder.size() + regionOrder.size() + same.size());
            fallback.addAll(zoneOrder);
            fallback.addAll(regionOrder);
            fallback.addAll(same.subList(sameTaken, same.size()));
            int missing = rf - replicas.size();
            List<String> filled = fallback.subList(0, Math.min(missing, fallback.size()));
            replicas.addAll(filled);
            List<String> spares = new ArrayList<>(fallback.subList(filled.size(), fallback.size()));

            Adherence adherence;
            if (replicas.size() < rf) {
                adherence = Adherence.FAIL;
            } else {
                int wantedZone = Math.min(strategy.otherZoneReplicas(), rf - 1);
                int wantedRegion = Math.min(strategy.otherRegionReplicas(), rf - 1 - wantedZone);
                adherence = zoneTaken >= wantedZone && regionTaken >= wantedRegion
                        ? Adherence.MEETS_STRICT : Adherence.MEETS_SOFT;
            }
            return new Placement(replicas, spares, adherence);
        }

        /**
         * Peers in the fault domains {@code spread} needs beyond the local one, at most {@code room}: first one per
         * other region, then one per other zone, then one per further region. Each list is in {@link #spread} order,
         * so its first peer of each group comes before any second one.
         */
        private List<String> spreadFirst(List<String> zoneOrder, List<String> regionOrder, SpreadRequirement spread,
                                         int room) {
            List<String> must = new ArrayList<>();
            Set<String> groups = new HashSet<>();
            int regionsHave = 1;
            for (String id : regionOrder) {
                if (regionsHave >= spread.minRegions() || must.size() >= room) {
                    break;
                }
                if (groups.add(groupOf.get(id))) {
                    must.add(id);
                    regionsHave++;
                }
            }
            // every region taken brought a zone too
            int zonesHave = regionsHave;
            List<String> zonesThenRegions = new ArrayList<>(zoneOrder);
            zonesThenRegions.addAll(regionOrder);
            for (String id : zonesThenRegions) {
                if (zonesHave >= spread.minZones() || must.size() >= room) {
                    break;
                }
                if (groups.add(groupOf.get(id))) {
                    must.add(id);
                    zonesHave++;
                }
            }
            return must;
        }
    }

    /**
     * Orders the peers of each group (zone or region) so that taking a prefix spreads as evenly as
     * possible: one random peer of each group, the groups in random order, then a second round, and so on.
     */
    private static List<String> spread(List<List<String>> groups, SplittableRandom random) {
        List<List<String>> lists = new ArrayList<>(groups.size());
        for (List<String> g : groups) {
            List<String> l = new ArrayList<>(g);
            shuffle(l, random);
            lists.add(l);
        }
        shuffle(lists, random);
        List<String> order = new ArrayList<>();
        for (int round = 0; ; round++) {
            boolean any = false;
            for (List<String> l : lists) {
                if (round < l.size()) {
                    order.add(l.get(round));
                    any = true;
                }
            }
            if (!any) {
                return order;
            }
        }
    }

    private static int take(List<String> from, int n, List<String> into) {
        int taken = Math.max(0, Math.min(n, from.size()));
        into.addAll(from.subList(0, taken));
        return taken;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }

    /** A 64-bit FNV-1a hash of the key, so that plans depend on the whole key text. */
    private static long seed(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
