package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.PendingPut.Outcome;
import alldata.core.PendingPut.ReplicaState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The put state machine, input by input, with explicit times. */
class PendingPutTest {
    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.UTF_8);
    private static final long T0 = 1_000;
    private static final long TIMEOUT = 5_000;

    private static Placement plan(List<String> replicas, List<String> spares) {
        return new Placement(replicas, spares, Placement.Adherence.MEETS_STRICT);
    }

    private static PendingPut.Transition start(CommitLevel level, List<String> replicas, List<String> spares) {
        return PendingPut.start("k", EVENT, plan(replicas, spares), level, 3, TIMEOUT, T0);
    }

    private static List<PutAction> committedOrFailed(PendingPut.Transition t) {
        return t.actions().stream().filter(a -> a instanceof PutAction.Committed || a instanceof PutAction.Failed).toList();
    }

    @Test
    void startAsksForEveryPlannedReplicaWithAttemptOne() {
        PendingPut.Transition t = start(CommitLevel.QUORUM, List.of("a", "b", "c"), List.of("d"));
        assertThat(t.actions()).containsExactly(new PutAction.StartReplica("a", 1, null),
                new PutAction.StartReplica("b", 1, null), new PutAction.StartReplica("c", 1, null));
        assertThat(t.put().outcome()).isEqualTo(Outcome.PENDING);
        assertThat(t.put().running()).isEqualTo(3);
        assertThat(t.put().nextDeadlineMs()).isEqualTo(T0 + TIMEOUT);
    }

    @Test
    void infeasiblePlanFailsAtOnceWithoutStartingAnything() {
        PendingPut.Transition t = start(CommitLevel.ONE, List.of("a", "b"), List.of());
        assertThat(t.actions()).hasSize(1).first().isInstanceOf(PutAction.Failed.class);
        assertThat(((PutAction.Failed) t.actions().get(0)).reason()).contains("not enough live peers").contains("nothing was written");
        assertThat(t.put().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(t.put().isDone()).isTrue();
    }

    @Test
    void commitsOnceWhenTheStoredCountFirstReachesRequired() {
        PendingPut p = start(CommitLevel.QUORUM, List.of("a", "b", "c"), List.of()).put();
        PendingPut.Transition t1 = p.stored("b", T0 + 1);
        assertThat(t1.actions()).isEmpty();
        PendingPut.Transition t2 = t1.put().stored("a", T0 + 2);
        assertThat(t2.actions()).as("plan order").containsExactly(new PutAction.Committed(List.of("a", "b")));
        PendingPut.Transition t3 = t2.put().stored("c", T0 + 3);
        assertThat(t3.actions()).isEmpty();
        assertThat(t3.put().outcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(t3.put().isDone()).isTrue();
        assertThat(t2.put().isDone()).as("c still running").isFalse();
    }

    @Test
    void failureAfterCommitStillReplacesTheReplica() {
        PendingPut p = start(CommitLevel.ONE, List.of("a", "b", "c"), List.of("d")).put().stored("a", T0).put();
        PendingPut.Transition t = p.failed("b", ReplicaFailure.ERROR, "x", T0 + 10);
        assertThat(t.actions()).containsExactly(new PutAction.ReplicaLost("b", ReplicaFailure.ERROR, "x"),
                new PutAction.StartReplica("d", 2, "b"));
        assertThat(t.put().outcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(t.put().replica("d").deadlineMs()).isEqualTo(T0 + 10 + TIMEOUT);
    }

    @Test
    void sparesAreTriedInOrderWithIncreasingAttempts() {
        PendingPut p = start(CommitLevel.ALL, List.of("a", "b", "c"), List.of("s1", "s2")).put();
        PendingPut.Transition t1 = p.failed("b", ReplicaFailure.CONFLICT, "diff", T0);
        assertThat(t1.actions()).contains(new PutAction.StartReplica("s1", 2, "b"));
        PendingPut.Transition t2 = t1.put().failed("s1", ReplicaFailure.ERROR, "down", T0);
        assertThat(t2.actions()).contains(new PutAction.StartReplica("s2", 3, "s1"));
        assertThat(t2.put().spares()).isEmpty();
        assertThat(committedOrFailed(t2)).isEmpty();
    }

    @Test
    void failsOnlyWhenStoredPlusRunningCanNoLongerReachRequired() {
        PendingPut p = start(CommitLevel.QUORUM, List.of("a", "b", "c"), List.of()).put();
        p = p.stored("a", T0).put();
        PendingPut.Transition t = p.failed("b", ReplicaFailure.ERROR, "x", T0);
        assertThat(committedOrFailed(t)).as("a stored, c running: 2 still reachable").isEmpty();
        PendingPut.Transition last = t.put().failed("c", ReplicaFailure.ERROR, "y", T0);
        assertThat(committedOrFailed(last)).hasSize(1).first().isInstanceOf(PutAction.Failed.class);
        assertThat(((PutAction.Failed) committedOrFailed(last).get(0)).reason())
                .contains("2 of 3 replicas were not created").contains("b failed").contains("c failed").contains("QUORUM needs 2");
        assertThat(last.put().isDone()).isTrue();
    }

    @Test
    void deadlineTimesOutOnlyReplicasThatAreDue() {
        PendingPut p = start(CommitLevel.ALL, List.of("a", "b", "c"), List.of("s")).put();
        p = p.failed("a", ReplicaFailure.ERROR, "x", T0 + 1_000).put(); // s starts at T0+1000
        assertThat(p.deadlinePassed(T0 + TIMEOUT - 1).actions()).isEmpty();
        PendingPut.Transition t = p.deadlinePassed(T0 + TIMEOUT);
        assertThat(t.put().replica("b").state()).isEqualTo(ReplicaState.TIMED_OUT);
        assertThat(t.put().replica("c").state()).isEqualTo(ReplicaState.TIMED_OUT);
        assertThat(t.put().replica("s").state()).isEqualTo(ReplicaState.RUNNING);
        assertThat(t.actions()).filteredOn(a -> a instanceof PutAction.ReplicaLost).hasSize(2)
                .allSatisfy(a -> assertThat(((PutAction.ReplicaLost) a).failure()).isEqualTo(ReplicaFailure.TIMEOUT));
        assertThat(committedOrFailed(t)).hasSize(1).first().isInstanceOf(PutAction.Failed.class);
        assertThat(t.put().nextDeadlineMs()).isEqualTo(T0 + 1_000 + TIMEOUT);
    }

    @Test
    void lateStoredAfterTimeoutOrErrorCounts() {
        PendingPut p = start(CommitLevel.QUORUM, List.of("a", "b", "c"), List.of()).put();
        p = p.deadlinePassed(T0 + TIMEOUT).put();
        assertThat(p.outcome()).isEqualTo(Outcome.FAILED);
        PendingPut.Transition lateB = p.stored("b", T0 + TIMEOUT + 1);
        PendingPut.Transition lateC = lateB.put().stored("c", T0 + TIMEOUT + 2);
        assertThat(lateC.put().storedOn()).containsExactly("b", "c");
        assertThat(lateB.actions()).as("the outcome was already reported").isEmpty();
        assertThat(lateC.actions()).isEmpty();

        PendingPut q = start(CommitLevel.QUORUM, List.of("a", "b", "c"), List.of()).put();
        q = q.failed("a", ReplicaFailure.ERROR, "x", T0).put().stored("a", T0 + 1).put();
        assertThat(q.storedOn()).containsExactly("a");
        assertThat(q.stored("b", T0 + 2).actions()).containsExactly(new PutAction.Committed(List.of("a", "b")));
    }

    @Test
    void repeatsAndUnknownNodesAreIgnored() {
        PendingPut p = start(CommitLevel.ALL, List.of("a", "b", "c"), List.of("s")).put().stored("a", T0).put();
        assertThat(p.stored("a", T0 + 1).put()).isEqualTo(p);
        assertThat(p.stored("a", T0 + 1).actions()).isEmpty();
        assertThat(p.stored("nobody", T0).put()).isEqualTo(p);
        assertThat(p.failed("nobody", ReplicaFailure.ERROR, "x", T0).put()).isEqualTo(p);
        assertThat(p.failed("a", ReplicaFailure.ERROR, "after stored", T0).put()).isEqualTo(p);
        assertThat(p.stored("s", T0).put()).as("a spare that was never started").isEqualTo(p);
        PendingPut failedB = p.failed("b", ReplicaFailure.ERROR, "x", T0).put();
        assertThat(failedB.failed("b", ReplicaFailure.ERROR, "again", T0).put()).isEqualTo(failedB);
    }

    @ParameterizedTest
    @EnumSource(Outcome.class)
    void outcomeTableFromEveryStateToEveryState(Outcome from) {
        for (Outcome to : Outcome.values()) {
            boolean allowed = from == Outcome.PENDING && to != Outcome.PENDING;
            assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(allowed);
        }
    }

    @ParameterizedTest
    @EnumSource(ReplicaState.class)
    void replicaTableFromEveryStateToEveryState(ReplicaState from) {
        Set<ReplicaState> expected = switch (from) {
            case RUNNING -> Set.of(ReplicaState.STORED, ReplicaState.FAILED, ReplicaState.TIMED_OUT);
            case FAILED, TIMED_OUT -> Set.of(ReplicaState.STORED);
            case STORED -> Set.of();
        };
        for (ReplicaState to : ReplicaState.values()) {
            assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(expected.contains(to));
        }
    }

    @Test
    void putsAreValuesComparedByContent() {
        PendingPut a = start(CommitLevel.ONE, List.of("a", "b", "c"), List.of()).put();
        PendingPut b = PendingPut.start("k", "{}".getBytes(StandardCharsets.UTF_8), plan(List.of("a", "b", "c"), List.of()),
                CommitLevel.ONE, 3, TIMEOUT, T0).put();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).contains("2 bytes");
    }
}
