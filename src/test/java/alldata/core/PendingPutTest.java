package alldata.core;

import alldata.core.PendingPut.Outcome;
import alldata.core.PendingPut.ReplicaState;
import alldata.core.PendingPut.Transition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The put state machine driven input by input, with explicit times. */
class PendingPutTest {
    private static final byte[] EVENT = "{\"e\":1}".getBytes(StandardCharsets.UTF_8);
    private static final long T0 = 10_000;
    private static final long TIMEOUT = 5_000;

    private static Placement plan(List<String> replicas, List<String> spares) {
        return new Placement(replicas, spares, Placement.Adherence.MEETS_STRICT);
    }

    /** A put planned on {@code replicas} (RF = their number) with {@code spares}, started at T0. */
    private static Transition start(CommitLevel level, List<String> replicas, List<String> spares) {
        return PendingPut.start("k", EVENT, plan(replicas, spares), level, replicas.size(), TIMEOUT, T0);
    }

    private static PendingPut started(CommitLevel level, List<String> replicas, List<String> spares) {
        return start(level, replicas, spares).put();
    }

    private static <T extends PutAction> List<T> actionsOf(Transition t, Class<T> type) {
        return t.actions().stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static Transition fail(PendingPut p, String node) {
        return p.failed(node, ReplicaFailure.ERROR, "down", T0 + 1);
    }

    // ---- start ----

    @Test
    void startEmitsOneStartReplicaPerPlannedNodeWithAttemptOne() {
        Transition t = start(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of("s1"));
        assertThat(t.actions()).containsExactly(new PutAction.StartReplica("local", 1, null),
                new PutAction.StartReplica("a", 1, null), new PutAction.StartReplica("b", 1, null));
    }

    @Test
    void startLeavesEveryPlannedReplicaRunningWithADeadlineOneTimeoutAhead() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of());
        assertThat(p.replicas()).extracting(PendingPut.Replica::state).containsOnly(ReplicaState.RUNNING);
        assertThat(p.replicas()).extracting(PendingPut.Replica::deadlineMs).containsOnly(T0 + TIMEOUT);
        assertThat(p.outcome()).isEqualTo(Outcome.PENDING);
        assertThat(p.running()).isEqualTo(3);
    }

    @Test
    void startKeepsTheSparesInPlanOrder() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a"), List.of("s2", "s1"));
        assertThat(p.spares()).containsExactly("s2", "s1");
    }

    @Test
    void planWithFewerNodesThanTheReplicationFactorFailsAtOnce() {
        Transition t = PendingPut.start("k", EVENT, new Placement(List.of("local", "a"), List.of(), Placement.Adherence.FAIL),
                CommitLevel.ONE, 3, TIMEOUT, T0);
        assertThat(t.actions()).singleElement().isInstanceOf(PutAction.Failed.class);
        assertThat(((PutAction.Failed) t.actions().get(0)).reason()).contains("not enough live peers")
                .contains("nothing was written");
        assertThat(t.put().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void planWithFewerNodesThanTheReplicationFactorStartsNothing() {
        Transition t = PendingPut.start("k", EVENT, new Placement(List.of("local"), List.of(), Placement.Adherence.FAIL),
                CommitLevel.QUORUM, 2, TIMEOUT, T0);
        assertThat(actionsOf(t, PutAction.StartReplica.class)).isEmpty();
        assertThat(t.put().replicas()).isEmpty();
        assertThat(t.put().isDone()).isTrue();
    }

    @Test
    void requiredFollowsTheCommitLevel() {
        assertThat(started(CommitLevel.QUORUM, List.of("local", "a", "b", "c", "d"), List.of()).required()).isEqualTo(3);
        assertThat(started(CommitLevel.ALL, List.of("local", "a", "b", "c", "d"), List.of()).required()).isEqualTo(5);
        assertThat(started(CommitLevel.ONE, List.of("local", "a", "b", "c", "d"), List.of()).required()).isEqualTo(1);
    }

    // ---- stored and commit ----

    @Test
    void storedBelowRequiredEmitsNothing() {
        Transition t = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of()).stored("a", T0 + 1);
        assertThat(t.actions()).isEmpty();
        assertThat(t.put().outcome()).isEqualTo(Outcome.PENDING);
        assertThat(t.put().storedOn()).containsExactly("a");
    }

    @Test
    void committedIsEmittedWhenTheStoredCountFirstReachesRequired() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of()).stored("b", T0 + 1).put();
        Transition t = p.stored("local", T0 + 2);
        assertThat(t.actions()).containsExactly(new PutAction.Committed(List.of("local", "b")));
        assertThat(t.put().outcome()).isEqualTo(Outcome.COMMITTED);
    }

    @Test
    void committedListsTheStoredNodesInPlanOrder() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a", "b"), List.of())
                .stored("b", T0).put().stored("a", T0).put();
        Transition t = p.stored("local", T0);
        assertThat(actionsOf(t, PutAction.Committed.class)).singleElement()
                .extracting(PutAction.Committed::acknowledgedBy).isEqualTo(List.of("local", "a", "b"));
    }

    @Test
    void storedAfterCommitEmitsNoSecondCommitted() {
        PendingPut p = started(CommitLevel.ONE, List.of("local", "a", "b"), List.of()).stored("local", T0).put();
        Transition t = p.stored("a", T0 + 1);
        assertThat(t.actions()).isEmpty();
        assertThat(t.put().storedOn()).containsExactly("local", "a");
        assertThat(t.put().outcome()).isEqualTo(Outcome.COMMITTED);
    }

    @Test
    void commitDoesNotEndReplicationWhileReplicasRun() {
        PendingPut p = started(CommitLevel.ONE, List.of("local", "a", "b"), List.of()).stored("local", T0).put();
        assertThat(p.outcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(p.isDone()).isFalse();
        assertThat(p.running()).isEqualTo(2);
    }

    @Test
    void failureAfterCommitStartsASpare() {
        PendingPut p = started(CommitLevel.ONE, List.of("local", "a", "b"), List.of("s1")).stored("local", T0).put();
        Transition t = p.failed("a", ReplicaFailure.ERROR, "x", T0 + 10);
        assertThat(actionsOf(t, PutAction.StartReplica.class)).containsExactly(new PutAction.StartReplica("s1", 2, "a"));
        assertThat(t.put().outcome()).isEqualTo(Outcome.COMMITTED);
    }

    @Test
    void failureAfterCommitWithNoSpareLeftEmitsNoFailed() {
        PendingPut p = started(CommitLevel.ONE, List.of("local", "a", "b"), List.of()).stored("local", T0).put();
        Transition t = fail(fail(p, "a").put(), "b");
        assertThat(actionsOf(t, PutAction.Failed.class)).isEmpty();
        assertThat(t.put().outcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(t.put().isDone()).isTrue();
    }

    // ---- failures and spares ----

    @Test
    void failureEmitsReplicaLostWithItsKindAndMessage() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1"));
        Transition t = p.failed("a", ReplicaFailure.CONFLICT, "holds another event", T0 + 1);
        assertThat(actionsOf(t, PutAction.ReplicaLost.class))
                .containsExactly(new PutAction.ReplicaLost("a", ReplicaFailure.CONFLICT, "holds another event"));
        assertThat(t.put().replica("a").state()).isEqualTo(ReplicaState.FAILED);
    }

    @Test
    void failureStartsTheFirstSpareWithTheNextAttemptReplacingTheFailedNode() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a", "b"), List.of("s1", "s2"));
        Transition t = p.failed("b", ReplicaFailure.ERROR, "x", T0 + 1);
        PutAction.StartReplica s = actionsOf(t, PutAction.StartReplica.class).get(0);
        assertThat(s).isEqualTo(new PutAction.StartReplica("s1", 2, "b"));
        assertThat(s.isReplacement()).isTrue();
        assertThat(t.put().spares()).containsExactly("s2");
    }

    @Test
    void successiveFailuresTrySparesInOrderWithIncreasingAttempts() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a", "b"), List.of("s1", "s2"));
        Transition t1 = p.failed("a", ReplicaFailure.ERROR, "x", T0);
        Transition t2 = t1.put().failed("s1", ReplicaFailure.TIMEOUT, "y", T0);
        assertThat(actionsOf(t2, PutAction.StartReplica.class)).containsExactly(new PutAction.StartReplica("s2", 3, "s1"));
        assertThat(t2.put().spares()).isEmpty();
        assertThat(t2.put().replica("s2").attempt()).isEqualTo(3);
    }

    @Test
    void replacementGetsADeadlineOneTimeoutAfterItStarts() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1"));
        PendingPut next = p.failed("a", ReplicaFailure.ERROR, "x", T0 + 1_234).put();
        assertThat(next.replica("s1").deadlineMs()).isEqualTo(T0 + 1_234 + TIMEOUT);
        assertThat(next.replica("s1").state()).isEqualTo(ReplicaState.RUNNING);
    }

    @Test
    void failureWithASpareLeftDoesNotFailThePut() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a", "b"), List.of("s1"));
        Transition t = fail(p, "a");
        assertThat(actionsOf(t, PutAction.Failed.class)).isEmpty();
        assertThat(t.put().outcome()).isEqualTo(Outcome.PENDING);
    }

    @Test
    void staysPendingWhileStoredPlusRunningCanStillReachRequired() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of()).stored("local", T0).put();
        Transition t = fail(p, "a");
        assertThat(actionsOf(t, PutAction.Failed.class)).as("local stored, b running: 2 still reachable").isEmpty();
        assertThat(t.put().outcome()).isEqualTo(Outcome.PENDING);
    }

    @Test
    void failsWhenTheLastReplicaThatCouldMakeTheLevelFails() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of()).stored("local", T0).put();
        Transition t = fail(fail(p, "a").put(), "b");
        assertThat(actionsOf(t, PutAction.Failed.class)).hasSize(1);
        assertThat(t.put().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(t.put().isDone()).isTrue();
    }

    @Test
    void failedReasonSaysHowManyReplicasWereNotCreatedAndWhy() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of()).stored("local", T0).put();
        Transition t = fail(fail(p, "a").put(), "b");
        assertThat(actionsOf(t, PutAction.Failed.class).get(0).reason())
                .contains("2 of 3 replicas were not created").contains("a failed").contains("b failed")
                .contains("QUORUM needs 2");
    }

    @Test
    void allFailsAtTheFirstFailureWhenNoSpareIsLeft() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a", "b"), List.of());
        Transition t = fail(p, "a");
        assertThat(actionsOf(t, PutAction.Failed.class)).hasSize(1);
        assertThat(t.put().isDone()).as("local and b still run").isFalse();
    }

    @Test
    void failureAfterThePutFailedIsReportedAsAReplicaLostOnly() {
        PendingPut failed = fail(started(CommitLevel.ALL, List.of("local", "a", "b"), List.of()), "a").put();
        Transition t = fail(failed, "b");
        assertThat(t.actions()).containsExactly(new PutAction.ReplicaLost("b", ReplicaFailure.ERROR, "down"));
        assertThat(t.put().outcome()).isEqualTo(Outcome.FAILED);
    }

    // ---- deadlines ----

    @Test
    void deadlinePassedBeforeAnyDeadlineChangesNothing() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1"));
        Transition t = p.deadlinePassed(T0 + TIMEOUT - 1);
        assertThat(t.actions()).isEmpty();
        assertThat(t.put()).isEqualTo(p);
    }

    @Test
    void deadlinePassedTimesOutOnlyReplicasWhoseDeadlineIsAtOrBeforeNow() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a", "b"), List.of("s1"));
        p = p.failed("local", ReplicaFailure.ERROR, "x", T0 + 1_000).put(); // s1 runs until T0 + 1000 + TIMEOUT
        Transition t = p.deadlinePassed(T0 + TIMEOUT);
        assertThat(t.put().replica("a").state()).isEqualTo(ReplicaState.TIMED_OUT);
        assertThat(t.put().replica("b").state()).isEqualTo(ReplicaState.TIMED_OUT);
        assertThat(t.put().replica("s1").state()).isEqualTo(ReplicaState.RUNNING);
    }

    @Test
    void timedOutReplicasAreLostAsTimeouts() {
        PendingPut p = started(CommitLevel.ONE, List.of("local", "a"), List.of());
        Transition t = p.deadlinePassed(T0 + TIMEOUT);
        assertThat(actionsOf(t, PutAction.ReplicaLost.class)).extracting(PutAction.ReplicaLost::failure)
                .containsExactly(ReplicaFailure.TIMEOUT, ReplicaFailure.TIMEOUT);
    }

    @Test
    void timedOutReplicaIsReplacedByTheNextSpare() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1"));
        p = p.stored("local", T0).put();
        Transition t = p.deadlinePassed(T0 + TIMEOUT);
        assertThat(actionsOf(t, PutAction.StartReplica.class)).containsExactly(new PutAction.StartReplica("s1", 2, "a"));
        assertThat(t.put().replica("s1").deadlineMs()).isEqualTo(T0 + TIMEOUT + TIMEOUT);
    }

    @Test
    void timeoutThatPutsTheLevelOutOfReachFailsThePut() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of());
        Transition t = p.deadlinePassed(T0 + TIMEOUT);
        assertThat(actionsOf(t, PutAction.Failed.class)).singleElement()
                .extracting(PutAction.Failed::reason).asString().contains("timed out");
        assertThat(t.put().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void nextDeadlineIsTheEarliestDeadlineOfARunningReplica() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1"));
        p = p.stored("local", T0).put().failed("a", ReplicaFailure.ERROR, "x", T0 + 700).put();
        assertThat(p.nextDeadlineMs()).isEqualTo(T0 + 700 + TIMEOUT);
    }

    @Test
    void nextDeadlineIsMaxValueWhenNothingRuns() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of())
                .stored("local", T0).put().stored("a", T0).put();
        assertThat(p.nextDeadlineMs()).isEqualTo(Long.MAX_VALUE);
    }

    // ---- late answers ----

    @Test
    void lateStoredAfterATimeoutCountsTowardsTheCommitLevel() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1")).stored("local", T0).put();
        p = p.deadlinePassed(T0 + TIMEOUT).put(); // a timed out, s1 running
        Transition t = p.stored("a", T0 + TIMEOUT + 1);
        assertThat(t.actions()).containsExactly(new PutAction.Committed(List.of("local", "a")));
        assertThat(t.put().replica("a").state()).isEqualTo(ReplicaState.STORED);
    }

    @Test
    void lateStoredAfterAnErrorCounts() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of());
        p = fail(p, "a").put().stored("a", T0 + 2).put();
        assertThat(p.storedOn()).containsExactly("a");
        assertThat(p.stored("b", T0 + 3).actions()).containsExactly(new PutAction.Committed(List.of("a", "b")));
    }

    @Test
    void lateStoredAfterThePutFailedDoesNotCommitIt() {
        PendingPut p = started(CommitLevel.ONE, List.of("local", "a"), List.of()).deadlinePassed(T0 + TIMEOUT).put();
        assertThat(p.outcome()).isEqualTo(Outcome.FAILED);
        Transition t = p.stored("a", T0 + TIMEOUT + 1);
        assertThat(t.actions()).isEmpty();
        assertThat(t.put().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(t.put().storedOn()).containsExactly("a");
    }

    // ---- ignored inputs ----

    @Test
    void duplicateStoredIsIgnored() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of()).stored("local", T0).put();
        Transition t = p.stored("local", T0 + 1);
        assertThat(t.actions()).isEmpty();
        assertThat(t.put()).isEqualTo(p);
    }

    @Test
    void storedFromANodeNeverStartedIsIgnored() {
        PendingPut p = started(CommitLevel.ONE, List.of("local", "a"), List.of("s1"));
        assertThat(p.stored("nobody", T0).put()).isEqualTo(p);
        assertThat(p.stored("s1", T0).actions()).as("a spare not yet started").isEmpty();
        assertThat(p.stored("s1", T0).put()).isEqualTo(p);
    }

    @Test
    void failedOnAnUnknownNodeIsIgnored() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1"));
        Transition t = p.failed("nobody", ReplicaFailure.ERROR, "x", T0);
        assertThat(t.actions()).isEmpty();
        assertThat(t.put()).isEqualTo(p);
    }

    @Test
    void failedAfterStoredIsIgnored() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1")).stored("a", T0).put();
        Transition t = p.failed("a", ReplicaFailure.ERROR, "x", T0);
        assertThat(t.actions()).isEmpty();
        assertThat(t.put()).isEqualTo(p);
    }

    @Test
    void failedTwiceIsIgnoredTheSecondTime() {
        PendingPut p = fail(started(CommitLevel.ALL, List.of("local", "a", "b"), List.of("s1", "s2")), "a").put();
        Transition t = fail(p, "a");
        assertThat(t.actions()).isEmpty();
        assertThat(t.put()).isEqualTo(p);
    }

    @Test
    void failedAfterATimeoutIsIgnored() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1", "s2")).deadlinePassed(T0 + TIMEOUT).put();
        PendingPut q = p.stored("s1", T0 + TIMEOUT).put();
        Transition t = q.failed("a", ReplicaFailure.ERROR, "x", T0 + TIMEOUT + 1);
        assertThat(t.actions()).isEmpty();
        assertThat(t.put()).isEqualTo(q);
    }

    // ---- done ----

    @Test
    void pendingPutIsNotDone() {
        assertThat(started(CommitLevel.ONE, List.of("local"), List.of()).isDone()).isFalse();
    }

    @Test
    void committedPutWithNothingRunningIsDone() {
        assertThat(started(CommitLevel.ONE, List.of("local"), List.of()).stored("local", T0).put().isDone()).isTrue();
    }

    @Test
    void failedPutWithAReplicaStillRunningIsNotDone() {
        PendingPut p = fail(started(CommitLevel.ALL, List.of("local", "a"), List.of()), "a").put();
        assertThat(p.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(p.isDone()).isFalse();
    }

    @Test
    void failedPutIsDoneOnceTheLastReplicaAnswers() {
        PendingPut p = fail(started(CommitLevel.ALL, List.of("local", "a"), List.of()), "a").put();
        assertThat(p.stored("local", T0 + 2).put().isDone()).isTrue();
    }

    // ---- values ----

    @Test
    void putsWithEqualContentAreEqual() {
        PendingPut a = started(CommitLevel.ONE, List.of("local", "a"), List.of());
        PendingPut b = PendingPut.start("k", "{\"e\":1}".getBytes(StandardCharsets.UTF_8), plan(List.of("local", "a"), List.of()),
                CommitLevel.ONE, 2, TIMEOUT, T0).put();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void putsWithDifferentEventBytesDiffer() {
        PendingPut a = started(CommitLevel.ONE, List.of("local", "a"), List.of());
        PendingPut b = PendingPut.start("k", "{\"e\":2}".getBytes(StandardCharsets.UTF_8), plan(List.of("local", "a"), List.of()),
                CommitLevel.ONE, 2, TIMEOUT, T0).put();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void inputsReturnNewStatesAndLeaveTheOldOneUnchanged() {
        PendingPut p = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1"));
        PendingPut copy = started(CommitLevel.ALL, List.of("local", "a"), List.of("s1"));
        p.stored("local", T0);
        fail(p, "a");
        p.deadlinePassed(T0 + TIMEOUT);
        assertThat(p).isEqualTo(copy);
    }

    // ---- transition tables, every from x every to (after Apache Ratis TestLifeCycle) ----

    private static final Set<String> OUTCOME_MOVES = Set.of("PENDING->COMMITTED", "PENDING->FAILED");

    private static final Set<String> REPLICA_MOVES = Set.of("RUNNING->STORED", "RUNNING->FAILED", "RUNNING->TIMED_OUT",
            "FAILED->STORED", "TIMED_OUT->STORED", "TIMED_OUT->FAILED");

    static Stream<Arguments> outcomePairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (Outcome from : Outcome.values()) {
            for (Outcome to : Outcome.values()) {
                pairs.add(Arguments.of(from, to, OUTCOME_MOVES.contains(from + "->" + to)));
            }
        }
        return pairs.stream();
    }

    static Stream<Arguments> replicaPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (ReplicaState from : ReplicaState.values()) {
            for (ReplicaState to : ReplicaState.values()) {
                pairs.add(Arguments.of(from, to, REPLICA_MOVES.contains(from + "->" + to)));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("outcomePairs")
    void outcomeTransitionTable(Outcome from, Outcome to, boolean allowed) {
        assertThat(from.canMoveTo(to)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("outcomePairs")
    void outcomeMoveToThrowsExactlyForIllegalTransitions(Outcome from, Outcome to, boolean allowed) {
        if (allowed) {
            assertThat(from.moveTo(to)).isEqualTo(to);
        } else {
            assertThatThrownBy(() -> from.moveTo(to)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(from + " -> " + to);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("replicaPairs")
    void replicaStateTransitionTable(ReplicaState from, ReplicaState to, boolean allowed) {
        assertThat(from.canMoveTo(to)).isEqualTo(allowed);
    }

    @Test
    void tablesCoverEveryPair() {
        assertThat(outcomePairs()).hasSize(Outcome.values().length * Outcome.values().length);
        assertThat(replicaPairs()).hasSize(ReplicaState.values().length * ReplicaState.values().length);
    }

    @Test
    void aHugeTimeoutNeverPutsADeadlineInThePast() {
        PendingPut p = PendingPut.start("k", EVENT, plan(List.of("a"), List.of()), CommitLevel.ONE, 1, Long.MAX_VALUE, T0).put();
        assertThat(p.nextDeadlineMs()).isGreaterThan(T0);
        assertThat(p.deadlinePassed(T0 + 1).actions()).isEmpty();
    }

    // ---- the patient rule (the sidecar's put.timeout.ms) ----

    private static final long PUT_TIMEOUT = 60_000;

    private static PendingPut patient(CommitLevel level, List<String> replicas, List<String> spares) {
        return PendingPut.start("k", EVENT, plan(replicas, spares), level, replicas.size(), TIMEOUT, T0, WhenShort.FAIL,
                PUT_TIMEOUT).put();
    }

    @Test
    void aPatientPutWhoseReplicaTimedOutWithNoSpareWaitsAndItsLateAnswerCommitsIt() {
        PendingPut p = patient(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of());
        p = p.stored("local", T0 + 1).put();
        Transition timedOut = p.deadlinePassed(T0 + TIMEOUT);
        assertThat(actionsOf(timedOut, PutAction.Failed.class)).as("the seed's rule would FAIL here").isEmpty();
        assertThat(timedOut.put().outcome()).isEqualTo(Outcome.PENDING);
        assertThat(timedOut.put().isDone()).isFalse();
        assertThat(timedOut.put().nextDeadlineMs()).as("now it waits for its put deadline").isEqualTo(T0 + PUT_TIMEOUT);

        Transition late = timedOut.put().stored("b", T0 + 30_000);
        assertThat(late.put().outcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(actionsOf(late, PutAction.Committed.class)).containsExactly(new PutAction.Committed(List.of("local", "b")));
    }

    @Test
    void theSeedsRuleStillFailsWhenATimedOutReplicaLeavesNoSpare() {
        PendingPut p = started(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of()).stored("local", T0 + 1).put();
        assertThat(p.deadlinePassed(T0 + TIMEOUT).put().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aPatientPutReplacesATimedOutReplicaOnASpareAndTheFirstAnswersThatMeetTheLevelWin() {
        PendingPut p = patient(CommitLevel.ALL, List.of("local", "a", "b"), List.of("s1"));
        p = p.stored("local", T0 + 1).put().stored("a", T0 + 2).put();
        Transition t = p.deadlinePassed(T0 + TIMEOUT);
        assertThat(actionsOf(t, PutAction.StartReplica.class)).containsExactly(new PutAction.StartReplica("s1", 2, "b"));
        // the slow node answers before the spare does: its answer counts
        Transition late = t.put().stored("b", T0 + TIMEOUT + 10);
        assertThat(late.put().outcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(late.put().storedOn()).containsExactly("local", "a", "b");
        assertThat(late.put().isDone()).as("the spare still runs").isFalse();
    }

    @Test
    void aPatientPutFailsAtItsDeadlineNamingWhatIsStoredAndWhoNeverAnswered() {
        PendingPut p = patient(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of());
        p = p.stored("local", T0 + 1).put().deadlinePassed(T0 + TIMEOUT).put();
        Transition t = p.deadlinePassed(T0 + PUT_TIMEOUT);
        assertThat(t.put().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(t.put().isDone()).isTrue();
        String reason = actionsOf(t, PutAction.Failed.class).get(0).reason();
        assertThat(reason).contains("stored on [local]").contains("no answer from [a, b]").contains("put.timeout.ms");
    }

    @Test
    void aPatientPutFailsAtOnceWhenEveryReplicaAnsweredAndTooFewStoredIt() {
        PendingPut p = patient(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of());
        p = p.stored("local", T0 + 1).put();
        p = fail(p, "a").put();
        assertThat(p.outcome()).as("b may still store it").isEqualTo(Outcome.PENDING);
        Transition t = fail(p, "b");
        assertThat(t.put().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aTimedOutReplicasLateRefusalCountsAsAnAnswer() {
        PendingPut p = patient(CommitLevel.ALL, List.of("local", "a", "b"), List.of());
        p = p.stored("local", T0 + 1).put().deadlinePassed(T0 + TIMEOUT).put();
        assertThat(p.outcome()).isEqualTo(Outcome.PENDING);
        Transition t = p.failed("a", ReplicaFailure.ERROR, "disk full", T0 + TIMEOUT + 1);
        assertThat(t.put().replica("a").state()).isEqualTo(ReplicaState.FAILED);
        assertThat(t.put().outcome()).as("ALL can no longer be met").isEqualTo(Outcome.FAILED);
        assertThat(actionsOf(t, PutAction.StartReplica.class)).as("re-placed at its timeout already").isEmpty();
    }

    @Test
    void resumingAPatientPutAsksItsTimedOutReplicasAgainAndRestartsItsDeadline() {
        PendingPut p = patient(CommitLevel.QUORUM, List.of("local", "a", "b"), List.of());
        p = p.stored("local", T0 + 1).put().deadlinePassed(T0 + TIMEOUT).put();
        Transition resumed = p.resume(T0 + 100_000);
        assertThat(resumed.actions()).containsExactly(new PutAction.ResendReplica("a", 1), new PutAction.ResendReplica("b", 1));
        assertThat(resumed.put().putDeadlineMs()).isEqualTo(T0 + 100_000 + PUT_TIMEOUT);
        assertThat(resumed.put().deadlinePassed(T0 + 100_001).put().outcome()).isEqualTo(Outcome.PENDING);
    }
}
