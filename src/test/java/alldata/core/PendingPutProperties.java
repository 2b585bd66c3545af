package alldata.core;

import alldata.core.PendingPut.Outcome;
import alldata.core.PendingPut.Transition;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random input sequences (stored / error / conflict on random nodes, unknown and unstarted ones included,
 * and deadlines at random times) against random plans and commit levels, under the seed's rule and the patient
 * one. Each property checks one invariant after every step of the run, the start and the final "every deadline
 * passes" steps included.
 */
class PendingPutProperties {
    private static final long TIMEOUT_MS = 2_000;
    /** The put deadline of patient runs: a few replica timeouts. */
    private static final long PUT_TIMEOUT_MS = 7_000;
    /** Node names: the first rf are the plan, the next ones the spares, the rest never part of the put. */
    private static final List<String> NODES = List.of("n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "ghost");

    enum Kind { STORED, ERROR, CONFLICT, DEADLINE }

    record Input(Kind kind, int node, int stepMs) {
    }

    /** The state before an input, the transition it caused, and what the input was (null for the start). */
    record Step(PendingPut before, Transition transition, Input input, long nowMs) {
        PendingPut after() {
            return transition.put();
        }
    }

    /** A plan of {@code replicas} and {@code spares} for replication factor {@code rf}, and what happened. */
    record Run(int rf, List<String> replicas, List<String> spares, CommitLevel level, boolean patient, List<Step> steps) {
        int required() {
            return level.required(rf());
        }

        /** Under the patient rule, timed-out replicas may still answer. */
        int mayStillStore(PendingPut p) {
            return p.running() + (patient ? (int) p.replicas().stream()
                    .filter(r -> r.state() == PendingPut.ReplicaState.TIMED_OUT).count() : 0);
        }

        List<PutAction> actions() {
            return steps.stream().flatMap(s -> s.transition().actions().stream()).toList();
        }

        <T extends PutAction> List<T> actions(Class<T> type) {
            return actions().stream().filter(type::isInstance).map(type::cast).toList();
        }

        PendingPut last() {
            return steps.get(steps.size() - 1).after();
        }
    }

    @Provide
    Arbitrary<Run> runs() {
        Arbitrary<Input> input = Combinators.combine(
                Arbitraries.frequency(Tuple.of(4, Kind.STORED), Tuple.of(2, Kind.ERROR), Tuple.of(1, Kind.CONFLICT),
                        Tuple.of(2, Kind.DEADLINE)),
                Arbitraries.integers().between(0, NODES.size() - 1),
                Arbitraries.integers().between(0, 3_000)).as(Input::new);
        return Combinators.combine(
                Arbitraries.integers().between(1, 5),
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(CommitLevel.class),
                Arbitraries.of(true, false, false, false, false, false, false, false, false, false),
                Arbitraries.of(true, false),
                input.list().ofMaxSize(40)).as(PendingPutProperties::simulate);
    }

    /**
     * Runs {@code inputs} against a put with replication factor {@code rf}. An infeasible plan (too few
     * live nodes) has one replica less than {@code rf} and no spares, as {@link Placement} makes it.
     */
    static Run simulate(int rf, int spareCount, CommitLevel level, boolean infeasible, boolean patient, List<Input> inputs) {
        boolean tooFew = infeasible && rf > 1;
        List<String> replicas = NODES.subList(0, tooFew ? rf - 1 : rf);
        List<String> spares = tooFew ? List.of() : NODES.subList(rf, rf + spareCount);
        long now = 0;
        List<Step> steps = new ArrayList<>();
        Transition t = PendingPut.start("k", "{}".getBytes(StandardCharsets.UTF_8),
                new Placement(replicas, spares, Placement.Adherence.MEETS_STRICT), level, rf, TIMEOUT_MS, now, WhenShort.FAIL,
                patient ? PUT_TIMEOUT_MS : 0);
        steps.add(new Step(null, t, null, now));
        for (Input in : inputs) {
            PendingPut p = t.put();
            now += in.stepMs();
            String node = NODES.get(in.node());
            t = switch (in.kind()) {
                case STORED -> p.stored(node, now);
                case ERROR -> p.failed(node, ReplicaFailure.ERROR, "error", now);
                case CONFLICT -> p.failed(node, ReplicaFailure.CONFLICT, "conflict", now);
                case DEADLINE -> p.deadlinePassed(now);
            };
            steps.add(new Step(p, t, in, now));
        }
        // then every running replica, spares included, runs out of time
        for (int round = 0; round <= NODES.size() + 1 && !t.put().isDone(); round++) {
            PendingPut p = t.put();
            now = Math.max(now, p.nextDeadlineMs());
            t = p.deadlinePassed(now);
            steps.add(new Step(p, t, new Input(Kind.DEADLINE, 0, 0), now));
        }
        return new Run(rf, List.copyOf(replicas), List.copyOf(spares), level, patient, steps);
    }

    @Property(tries = 400)
    void atMostOneOutcomeIsReportedAndNeverBoth(@ForAll("runs") Run run) {
        int committed = run.actions(PutAction.Committed.class).size();
        int failed = run.actions(PutAction.Failed.class).size();
        assertThat(committed).as("Committed").isLessThanOrEqualTo(1);
        assertThat(failed).as("Failed").isLessThanOrEqualTo(1);
        assertThat(committed + failed).as("never both").isLessThanOrEqualTo(1);
    }

    @Property(tries = 400)
    void committedOnlyWhenTheStoredCountFirstReachesRequired(@ForAll("runs") Run run) {
        for (Step s : run.steps()) {
            for (PutAction a : s.transition().actions()) {
                if (a instanceof PutAction.Committed c) {
                    assertThat(s.after().storedOn()).hasSizeGreaterThanOrEqualTo(run.required());
                    assertThat(c.acknowledgedBy()).isEqualTo(s.after().storedOn());
                    assertThat(s.before().storedOn()).as("first reach").hasSizeLessThan(run.required());
                }
            }
        }
    }

    @Property(tries = 400)
    void failedOnlyWhenTheLevelIsOutOfReachAndNoSpareIsLeft(@ForAll("runs") Run run) {
        for (Step s : run.steps()) {
            if (!s.transition().actions().stream().anyMatch(a -> a instanceof PutAction.Failed)) {
                continue;
            }
            PendingPut after = s.after();
            if (s.before() == null) {
                assertThat(run.replicas()).as("only an infeasible plan fails at start").hasSizeLessThan(run.rf());
            }
            if (run.patient() && s.before() != null && s.before().putDeadlineMs() <= now(s)) {
                continue; // the put deadline: see patientPutsFailEarlyOnlyWhenNoAnswerCanChangeTheOutcome
            }
            assertThat(after.storedOn().size() + run.mayStillStore(after)).isLessThan(run.required());
            assertThat(after.spares()).isEmpty();
        }
    }

    private static long now(Step s) {
        return s.nowMs();
    }

    @Property(tries = 400)
    void patientPutsFailEarlyOnlyWhenNoAnswerCanChangeTheOutcome(@ForAll("runs") Run run) {
        for (Step s : run.steps()) {
            if (!run.patient() || s.before() == null
                    || s.transition().actions().stream().noneMatch(a -> a instanceof PutAction.Failed)) {
                continue;
            }
            PendingPut after = s.after();
            boolean deadline = s.before().putDeadlineMs() <= s.nowMs();
            boolean outOfReach = after.storedOn().size() + run.mayStillStore(after) < run.required();
            assertThat(deadline || outOfReach).as("FAILED before its deadline while its level was reachable: %s", after)
                    .isTrue();
            assertThat(after.storedOn()).hasSizeLessThan(run.required());
        }
    }

    @Property(tries = 400)
    void aTimedOutReplicasLateAnswerStillCommitsAPatientPut(@ForAll("runs") Run run) {
        for (Step s : run.steps()) {
            if (run.patient() && s.input() != null && s.input().kind() == Kind.STORED && s.before().outcome() == Outcome.PENDING) {
                PendingPut.Replica r = s.before().replica(NODES.get(s.input().node()));
                if (r != null && r.state() == PendingPut.ReplicaState.TIMED_OUT
                        && s.before().storedOn().size() + 1 >= run.required()) {
                    assertThat(s.after().outcome()).isEqualTo(Outcome.COMMITTED);
                }
            }
        }
    }

    @Property(tries = 400)
    void outcomeMatchesTheReportedActions(@ForAll("runs") Run run) {
        boolean committed = false;
        boolean failed = false;
        for (Step s : run.steps()) {
            committed |= s.transition().actions().stream().anyMatch(a -> a instanceof PutAction.Committed);
            failed |= s.transition().actions().stream().anyMatch(a -> a instanceof PutAction.Failed);
            Outcome expected = committed ? Outcome.COMMITTED : failed ? Outcome.FAILED : Outcome.PENDING;
            assertThat(s.after().outcome()).isEqualTo(expected);
        }
    }

    @Property(tries = 400)
    void pendingPutsCanStillMeetTheirLevel(@ForAll("runs") Run run) {
        for (Step s : run.steps()) {
            PendingPut p = s.after();
            if (p.outcome() == Outcome.PENDING) {
                assertThat(p.storedOn().size()).isLessThan(run.required());
                assertThat(p.storedOn().size() + run.mayStillStore(p)).isGreaterThanOrEqualTo(run.required());
            }
        }
    }

    @Property(tries = 400)
    void noNodeIsStartedTwice(@ForAll("runs") Run run) {
        Set<String> started = new HashSet<>();
        for (PutAction.StartReplica s : run.actions(PutAction.StartReplica.class)) {
            assertThat(started.add(s.node())).as("%s started again", s.node()).isTrue();
        }
    }

    @Property(tries = 400)
    void startedReplicasAreThePlanThenSparesInOrder(@ForAll("runs") Run run) {
        List<String> started = run.actions(PutAction.StartReplica.class).stream().map(PutAction.StartReplica::node).toList();
        List<String> allowed = new ArrayList<>(run.replicas());
        allowed.addAll(run.spares());
        assertThat(started).hasSizeLessThanOrEqualTo(run.replicas().size() + run.spares().size());
        assertThat(started).isEqualTo(allowed.subList(0, started.size()));
    }

    @Property(tries = 400)
    void replacementsCarryIncreasingAttemptsAndTheNodeTheyReplace(@ForAll("runs") Run run) {
        int lastAttempt = 1;
        for (Step s : run.steps()) {
            for (PutAction a : s.transition().actions()) {
                if (a instanceof PutAction.StartReplica r && s.before() != null) {
                    assertThat(r.attempt()).isGreaterThan(lastAttempt);
                    assertThat(r.replacing()).isNotNull();
                    assertThat(s.before().replica(r.replacing()).state()).isEqualTo(PendingPut.ReplicaState.RUNNING);
                    lastAttempt = r.attempt();
                } else if (a instanceof PutAction.StartReplica r) {
                    assertThat(r.attempt()).isEqualTo(1);
                    assertThat(r.replacing()).isNull();
                }
            }
        }
    }

    @Property(tries = 400)
    void onceDoneAlwaysDone(@ForAll("runs") Run run) {
        boolean done = false;
        for (Step s : run.steps()) {
            if (done) {
                assertThat(s.after().isDone()).isTrue();
                assertThat(s.transition().actions()).as("a done put asks for nothing more").isEmpty();
            }
            done = s.after().isDone();
        }
    }

    @Property(tries = 400)
    void everyPutReachesAnOutcomeOnceEveryDeadlinePassed(@ForAll("runs") Run run) {
        assertThat(run.last().isDone()).isTrue();
        assertThat(run.last().outcome()).isNotEqualTo(Outcome.PENDING);
    }

    @Property(tries = 400)
    void storedNodesNeverShrink(@ForAll("runs") Run run) {
        for (Step s : run.steps()) {
            if (s.before() != null) {
                assertThat(s.after().storedOn()).containsAll(s.before().storedOn());
            }
        }
    }
}
