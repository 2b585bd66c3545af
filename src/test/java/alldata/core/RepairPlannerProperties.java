package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link RepairPlanner} over random clusters (2..9 nodes in up to three zones and two regions, random statuses
 * and refill times), random plans, replication factors and answers.
 */
class RepairPlannerProperties {
    private static final ReplicationStrategy SPREAD = new ReplicationStrategy(3, 2, 0);
    private static final NodeStatus[] STATUSES = NodeStatus.values();

    /** One random situation: a view of some node, an event it holds, what the others answered. */
    record Case(RepairView view, String key, List<String> plan, int rf, long planSinceMs,
                RepairPlanner.Holdings holdings) {
        @Override
        public String toString() {
            return "Case{view=" + view + ", plan=" + plan + ", rf=" + rf + ", planSince=" + planSinceMs + ", holdings="
                    + holdings + '}';
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.longs().map(RepairPlannerProperties::randomCase);
    }

    static Case randomCase(long seed) {
        Random r = new Random(seed);
        int n = 2 + r.nextInt(8);
        List<RepairView.Member> members = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            NodeStatus s = i == 1 ? (r.nextInt(4) == 0 ? NodeStatus.DRAINING : NodeStatus.UP) : STATUSES[r.nextInt(STATUSES.length)];
            if (s == NodeStatus.LOST && r.nextBoolean()) {
                continue; // unknown to the view: lost as well
            }
            members.add(new RepairView.Member("n" + i, s, "z" + r.nextInt(3), "r" + r.nextInt(2),
                    r.nextInt(4) == 0 ? 500 + r.nextInt(1000) : 0));
        }
        RepairView view = new RepairView("n1", members);
        long storedAt = 1000;
        int rf = 1 + r.nextInt(4);
        List<String> plan = new ArrayList<>();
        plan.add("n1");
        for (int i = 2; i <= n + 1; i++) { // n+1: a node no view knows
            if (r.nextInt(3) > 0) {
                plan.add(r.nextInt(plan.size() + 1), "n" + i);
            }
        }
        Set<String> verified = new HashSet<>(Set.of("n1"));
        Set<String> unanswered = new HashSet<>();
        Set<String> conflicting = new HashSet<>();
        for (String a : view.askable()) {
            int roll = r.nextInt(10);
            boolean named = plan.contains(a);
            if (roll < (named ? 6 : 2) && view.mayHold(a, storedAt)) {
                verified.add(a);
            } else if (roll == 8) {
                unanswered.add(a);
            } else if (roll == 9) {
                conflicting.add(a);
            }
        }
        return new Case(view, AllDataKey.ingest(1_700_000_000_000L + r.nextInt(1_000_000), r.nextInt(6), r.nextInt(100_000)).value(),
                plan, rf, storedAt, new RepairPlanner.Holdings(verified, unanswered, conflicting));
    }

    private static RepairDecision decide(Case c, boolean forced) {
        return RepairPlanner.decide(c.key(), c.plan(), c.rf(), c.planSinceMs(), c.holdings(), c.view(), SPREAD, forced);
    }

    private static List<String> targets(RepairDecision d) {
        if (d instanceof RepairDecision.Place p) {
            return p.targets();
        }
        return d instanceof RepairDecision.Short s ? s.targets() : List.of();
    }

    private static List<String> newPlan(RepairDecision d) {
        if (d instanceof RepairDecision.Place p) {
            return p.newPlan();
        }
        return ((RepairDecision.Short) d).newPlan();
    }

    @Property(tries = 2000)
    void targetsTakeReplicasAndHoldNothingYet(@ForAll("cases") Case c) {
        RepairDecision d = decide(c, true);
        List<String> targets = targets(d);
        assertThat(new HashSet<>(targets)).hasSameSizeAs(targets);
        for (String t : targets) {
            assertThat(c.view().status(t)).as(t).isEqualTo(NodeStatus.UP);
            assertThat(c.holdings().verified()).doesNotContain(t);
            assertThat(c.holdings().conflicting()).doesNotContain(t);
            assertThat(c.holdings().unanswered()).doesNotContain(t);
        }
    }

    @Property(tries = 2000)
    void aPlacementReachesTheReplicationFactorExactlyWithKeepersOnly(@ForAll("cases") Case c) {
        RepairDecision d = decide(c, true);
        if (d instanceof RepairDecision.Place p) {
            List<String> plan = p.newPlan();
            assertThat(new LinkedHashSet<>(plan)).hasSameSizeAs(plan);
            assertThat(plan.size()).isGreaterThanOrEqualTo(c.rf());
            if (!p.targets().isEmpty() && plan.size() - p.targets().size() < c.rf()) {
                assertThat(plan).hasSize(c.rf());
            } else if (!p.targets().isEmpty()) {
                // the count was met: one copy to restore spread, in a zone or region the holders lack
                assertThat(p.targets()).hasSize(1);
                assertThat(RepairPlanner.placementShort(plan.subList(0, plan.size() - 1), c.rf(), Long.MAX_VALUE,
                        c.view(), SPREAD)).isNotNull();
            }
            assertThat(plan).endsWith(p.targets().toArray(String[]::new));
            for (String n : plan) {
                assertThat(c.view().status(n).keepsReplicas()).as(n + " in " + plan).isTrue();
            }
            assertThat(c.view().selfDraining() && plan.contains("n1")).isFalse();
        }
    }

    @Property(tries = 2000)
    void shortOnlyWhenTooFewNodesCanTakeTheEvent(@ForAll("cases") Case c) {
        RepairDecision d = decide(c, true);
        if (d instanceof RepairDecision.Short s) {
            Set<String> planned = new HashSet<>(s.newPlan());
            long couldTake = c.view().members().stream().map(RepairView.Member::id)
                    .filter(id -> c.view().status(id) == NodeStatus.UP && !planned.contains(id)
                            && !c.holdings().verified().contains(id) && !c.holdings().conflicting().contains(id)
                            && !c.holdings().unanswered().contains(id))
                    .count();
            assertThat(couldTake).isZero();
            assertThat(s.missing()).isPositive();
            assertThat(s.newPlan().size() + s.missing()).isEqualTo(c.rf());
            assertThat(s.reason()).contains("still missing");
        }
    }

    @Property(tries = 2000)
    void healthyOnlyWhenThePlanNamesExactlyEnoughKeepers(@ForAll("cases") Case c) {
        if (decide(c, true) instanceof RepairDecision.Healthy) {
            assertThat(new HashSet<>(c.plan()).size()).isGreaterThanOrEqualTo(c.rf());
            for (String n : c.plan()) {
                assertThat(c.view().status(n).keepsReplicas()).isTrue();
            }
        }
    }

    @Property(tries = 2000)
    void atMostOneHolderMakesCopies(@ForAll("cases") Case c) {
        // every holder that is UP decides from its own view (same statuses) with the same plan and answers
        Set<String> deciders = new TreeSet<>();
        for (String v : c.holdings().verified()) {
            if (c.view().status(v) == NodeStatus.UP) {
                RepairView theirs = new RepairView(v, c.view().members());
                RepairDecision d = RepairPlanner.decide(c.key(), c.plan(), c.rf(), c.planSinceMs(), c.holdings(), theirs,
                        SPREAD, false);
                if (d instanceof RepairDecision.Short || !targets(d).isEmpty()) {
                    deciders.add(v);
                }
            }
        }
        assertThat(deciders.size()).as("deciders " + deciders).isLessThanOrEqualTo(1);
    }

    @Property(tries = 2000)
    void racingNodesWithTheSameViewChooseTheSameTargets(@ForAll("cases") Case c) {
        List<String> upHolders = c.holdings().verified().stream().filter(v -> c.view().status(v) == NodeStatus.UP)
                .sorted().toList();
        if (upHolders.size() < 2 || c.view().selfDraining()) {
            return;
        }
        RepairDecision a = RepairPlanner.decide(c.key(), c.plan(), c.rf(), c.planSinceMs(), c.holdings(),
                new RepairView(upHolders.get(0), c.view().members()), SPREAD, true);
        RepairDecision b = RepairPlanner.decide(c.key(), c.plan(), c.rf(), c.planSinceMs(), c.holdings(),
                new RepairView(upHolders.get(1), c.view().members()), SPREAD, true);
        assertThat(b).isEqualTo(a);
    }

    @Property(tries = 1000)
    void anEventWhosePlanNeedsNothingIsHealthyOnceEveryNodeConfirms(@ForAll("cases") Case c) {
        if (RepairPlanner.needsRepair(c.plan(), c.rf(), c.planSinceMs(), c.view(), SPREAD)) {
            return;
        }
        Set<String> all = new HashSet<>(c.plan());
        all.removeIf(n -> !c.view().status(n).askable() && c.view().status(n) != NodeStatus.DOWN);
        RepairDecision d = RepairPlanner.decide(c.key(), c.plan(), c.rf(), c.planSinceMs(), RepairPlanner.Holdings.of(all),
                c.view(), SPREAD, true);
        if (c.plan().stream().noneMatch(n -> c.view().status(n) == NodeStatus.DRAINING)) {
            assertThat(d).isInstanceOf(RepairDecision.Healthy.class);
        }
    }

    @Example
    void aRefillingNodeGetsItsReplicaBackWithoutAPlanChange() {
        RepairView view = new RepairView("a", List.of(member("a", NodeStatus.UP, 0), member("b", NodeStatus.UP, 0),
                member("c", NodeStatus.UP, 5000), member("d", NodeStatus.UP, 0)));
        assertThat(RepairPlanner.needsRepair(List.of("a", "b", "c"), 3, 1000, view)).isTrue();
        RepairDecision d = RepairPlanner.decide("k", List.of("a", "b", "c"), 3, 1000,
                RepairPlanner.Holdings.of(Set.of("a", "b")), view, SPREAD, false);
        assertThat(d).isEqualTo(new RepairDecision.Place(List.of("c"), List.of("a", "b", "c")));
    }

    @Example
    void aNodeThatIsOnlyDownIsPresumedToHoldItsReplicas() {
        RepairView view = new RepairView("a", List.of(member("a", NodeStatus.UP, 0), member("b", NodeStatus.DOWN, 0),
                member("d", NodeStatus.UP, 0)));
        // c is unknown (dropped): lost; b is down but not lost: presumed
        RepairDecision d = RepairPlanner.decide("k", List.of("a", "b", "c"), 3, 1000,
                RepairPlanner.Holdings.of(Set.of("a")), view, SPREAD, false);
        assertThat(d).isEqualTo(new RepairDecision.Place(List.of("d"), List.of("a", "b", "d")));
    }

    @Example
    void aDrainingNodeMovesItsReplicaAndLeavesThePlan() {
        RepairView view = new RepairView("a", List.of(member("a", NodeStatus.DRAINING, 0), member("b", NodeStatus.UP, 0),
                member("c", NodeStatus.UP, 0), member("d", NodeStatus.UP, 0)));
        RepairDecision d = RepairPlanner.decide("k", List.of("a", "b", "c"), 3, 1000,
                RepairPlanner.Holdings.of(Set.of("a", "b", "c")), view, SPREAD, false);
        assertThat(d).isEqualTo(new RepairDecision.Place(List.of("d"), List.of("b", "c", "d")));
    }

    @Example
    void withTooFewNodesItSaysHowManyAreMissing() {
        RepairView view = new RepairView("a", List.of(member("a", NodeStatus.UP, 0), member("b", NodeStatus.UP, 0)));
        RepairDecision d = RepairPlanner.decide("k", List.of("a"), 3, 1000, RepairPlanner.Holdings.of(Set.of("a")), view,
                SPREAD, false);
        assertThat(d).isInstanceOf(RepairDecision.Short.class);
        RepairDecision.Short s = (RepairDecision.Short) d;
        assertThat(s.targets()).containsExactly("b");
        assertThat(s.missing()).isEqualTo(1);
        assertThat(s.reason()).isEqualTo("2 more replicas needed for replication factor 3, but only 1 node that takes"
                + " replicas lacks it (2 UP in all); 1 still missing");
    }

    @Example
    void aPlanNamingALostNodeWhoseReplicaWasReplacedOnlyChangesThePlan() {
        RepairView view = new RepairView("a", List.of(member("a", NodeStatus.UP, 0), member("b", NodeStatus.UP, 0),
                member("d", NodeStatus.UP, 0)));
        RepairDecision d = RepairPlanner.decide("k", List.of("a", "b", "c"), 3, 1000,
                RepairPlanner.Holdings.of(Set.of("a", "b", "d")), view, SPREAD, false);
        assertThat(d).isEqualTo(new RepairDecision.Place(List.of(), List.of("a", "b", "d")));
    }

    @Example
    void theFirstVerifiedHolderInPlanOrderRepairs() {
        RepairView view = new RepairView("b", List.of(member("a", NodeStatus.UP, 0), member("b", NodeStatus.UP, 0),
                member("d", NodeStatus.UP, 0)));
        // a is first in the plan but does not hold the event (its replica failed): b repairs
        assertThat(RepairPlanner.decide("k", List.of("a", "b", "c"), 3, 1000, RepairPlanner.Holdings.of(Set.of("b")), view,
                SPREAD, false)).isInstanceOf(RepairDecision.Place.class);
        assertThat(RepairPlanner.decide("k", List.of("a", "b", "c"), 3, 1000, RepairPlanner.Holdings.of(Set.of("a", "b")),
                view, SPREAD, false)).isEqualTo(new RepairDecision.NotMine("a"));
    }

    private static RepairView.Member member(String id, NodeStatus s, long refill) {
        return new RepairView.Member(id, s, "z-" + id, "r", refill);
    }
}
