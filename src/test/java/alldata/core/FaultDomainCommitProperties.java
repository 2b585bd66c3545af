package alldata.core;

import alldata.core.PendingPut.Outcome;
import alldata.core.PendingPut.Transition;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fault-domain-aware commits over random topologies (peers in random zones of random regions), random
 * requirements, random answer orders, failures and deadlines, under the seed's rule and the patient one. The plan
 * is the {@link Placement.Planner}'s, as the sidecar makes it. Each property checks one invariant after every step.
 */
class FaultDomainCommitProperties {
    private static final long TIMEOUT_MS = 2_000;
    private static final long PUT_TIMEOUT_MS = 7_000;
    private static final FaultDomain LOCAL = new FaultDomain("r0", "z0");

    enum Kind { STORED, ERROR, DEADLINE }

    record Input(Kind kind, int node, int stepMs) {
    }

    record Step(PendingPut before, Transition transition, long nowMs) {
        PendingPut after() {
            return transition.put();
        }
    }

    /** A topology, a requirement, the plan made for it, and what happened to the put. */
    record Run(Map<String, FaultDomain> domains, SpreadRequirement spread, CommitLevel level, int rf, boolean patient,
               Placement plan, List<Step> steps) {
        /** Whether the whole topology (every node known to the put) could ever span the requirement. */
        boolean topologyCanMeet() {
            List<FaultDomain> all = new ArrayList<>();
            plan.replicas().forEach(n -> all.add(domains.get(n)));
            plan.spares().forEach(n -> all.add(domains.get(n)));
            return spread.metBy(all);
        }

        List<PutAction> actions() {
            return steps.stream().flatMap(s -> s.transition().actions().stream()).toList();
        }

        PendingPut last() {
            return steps.get(steps.size() - 1).after();
        }
    }

    @Provide
    Arbitrary<Run> runs() {
        Arbitrary<FaultDomain> domain = Combinators.combine(
                Arbitraries.of("r0", "r0", "r0", "r1", "r2"), Arbitraries.of("z0", "z1", "z2")).as(FaultDomain::new);
        Arbitrary<Input> input = Combinators.combine(
                Arbitraries.frequency(Tuple.of(5, Kind.STORED), Tuple.of(2, Kind.ERROR), Tuple.of(2, Kind.DEADLINE)),
                Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(0, 3_000)).as(Input::new);
        return Combinators.combine(
                domain.list().ofMinSize(0).ofMaxSize(8),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(1, 4),
                Arbitraries.of(CommitLevel.class),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 2),
                input.list().ofMaxSize(40)).as(FaultDomainCommitProperties::simulate);
    }

    static Run simulate(List<FaultDomain> peerDomains, int minZones, int minRegions, int rf, CommitLevel level,
                        boolean patient, int otherZoneReplicas, List<Input> inputs) {
        SpreadRequirement spread = new SpreadRequirement(Math.min(minZones, rf), Math.min(minRegions, rf));
        Map<String, FaultDomain> domains = new HashMap<>();
        domains.put("local", LOCAL);
        List<Placement.Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < peerDomains.size(); i++) {
            FaultDomain d = peerDomains.get(i);
            domains.put("p" + i, d);
            candidates.add(new Placement.Candidate("p" + i,
                    PeerLocation.relative(LOCAL.region(), LOCAL.zone(), d.region(), d.zone())));
        }
        Placement plan = Placement.Planner.of("local", candidates)
                .plan("key-" + peerDomains.hashCode(), new ReplicationStrategy(rf, otherZoneReplicas, 0), spread);
        long now = 0;
        List<Step> steps = new ArrayList<>();
        Transition t = PendingPut.start("k", "{}".getBytes(StandardCharsets.UTF_8), plan, level, rf, TIMEOUT_MS, now,
                WhenShort.DEGRADE, patient ? PUT_TIMEOUT_MS : 0, spread, domains);
        steps.add(new Step(null, t, now));
        for (Input in : inputs) {
            PendingPut p = t.put();
            now += in.stepMs();
            String node = in.node() == 0 ? "local" : "p" + (in.node() - 1);
            t = switch (in.kind()) {
                case STORED -> p.stored(node, now);
                case ERROR -> p.failed(node, ReplicaFailure.ERROR, "error", now);
                case DEADLINE -> p.deadlinePassed(now);
            };
            steps.add(new Step(p, t, now));
        }
        for (int round = 0; round <= 20 && !t.put().isDone(); round++) {
            PendingPut p = t.put();
            now = Math.max(now, p.nextDeadlineMs());
            t = p.deadlinePassed(now);
            steps.add(new Step(p, t, now));
        }
        return new Run(Map.copyOf(domains), spread, level, rf, patient, plan, steps);
    }

    @Property(tries = 600)
    void aCommittedPutsAckedReplicasSpanItsFaultDomains(@ForAll("runs") Run run) {
        for (Step s : run.steps()) {
            for (PutAction a : s.transition().actions()) {
                if (a instanceof PutAction.Committed c) {
                    List<FaultDomain> acked = c.acknowledgedBy().stream().map(run.domains()::get).toList();
                    assertThat(SpreadRequirement.zoneNames(acked)).hasSizeGreaterThanOrEqualTo(run.spread().minZones());
                    assertThat(SpreadRequirement.regionNames(acked))
                            .hasSizeGreaterThanOrEqualTo(run.spread().minRegions());
                    assertThat(acked).hasSizeGreaterThanOrEqualTo(run.level().required(run.rf()));
                }
            }
        }
    }

    @Property(tries = 600)
    void anUnmeetableRequirementNeverCommits(@ForAll("runs") Run run) {
        if (!run.topologyCanMeet()) {
            assertThat(run.actions()).noneMatch(a -> a instanceof PutAction.Committed);
            assertThat(run.last().outcome()).isEqualTo(Outcome.FAILED);
        }
    }

    @Property(tries = 600)
    void aFailureForWantOfFaultDomainsNamesWhatIsMissing(@ForAll("runs") Run run) {
        for (PutAction a : run.actions()) {
            if (a instanceof PutAction.Failed f && f.reason().contains("fault domains not met")) {
                assertThat(f.reason()).containsPattern("missing \\d+ more (zone|region)");
            }
        }
    }

    @Property(tries = 600)
    void everyPutIsDecidedOnceEveryDeadlinePassed(@ForAll("runs") Run run) {
        assertThat(run.last().outcome()).isNotEqualTo(Outcome.PENDING);
        assertThat(run.last().isDone()).isTrue();
    }

    @Property(tries = 600)
    void atMostOneOutcome(@ForAll("runs") Run run) {
        long outcomes = run.actions().stream()
                .filter(a -> a instanceof PutAction.Committed || a instanceof PutAction.Failed).count();
        assertThat(outcomes).isLessThanOrEqualTo(1);
    }

    @Property(tries = 600)
    void thePlanSpansTheRequirementWhenTheLivePeersCan(@ForAll("runs") Run run) {
        if (run.topologyCanMeet() && run.plan().replicas().size() == run.rf()) {
            List<FaultDomain> planned = run.plan().replicas().stream().map(run.domains()::get).toList();
            // the planner sees other regions, not their zones: it may need a later spare for a zone inside one
            assertThat(SpreadRequirement.regionNames(planned)).hasSizeGreaterThanOrEqualTo(run.spread().minRegions());
        }
    }

    @Property(tries = 600)
    void withoutARequirementTheSeedsPlanIsKept(@ForAll("runs") Run run) {
        List<Placement.Candidate> peers = new ArrayList<>();
        run.domains().forEach((node, d) -> peers.add(new Placement.Candidate(node,
                PeerLocation.relative(LOCAL.region(), LOCAL.zone(), d.region(), d.zone()))));
        Placement.Planner planner = Placement.Planner.of("local", peers);
        ReplicationStrategy strategy = new ReplicationStrategy(run.rf(), 1, 1);
        assertThat(planner.plan("k", strategy, SpreadRequirement.NONE)).isEqualTo(planner.plan("k", strategy));
    }

    @Property(tries = 300)
    void aSpreadPutIsTheSeedsPutWhenTheRequirementIsNone(@ForAll("runs") Run run) {
        if (run.spread().none()) {
            for (PutAction a : run.actions()) {
                if (a instanceof PutAction.Committed c) {
                    assertThat(c.acknowledgedBy()).hasSizeGreaterThanOrEqualTo(run.level().required(run.rf()));
                }
            }
        }
    }
}
