package alldata.core;

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
import net.jqwik.api.constraints.IntRange;

/** Random input sequences against the put state machine; invariants checked after every step. */
class PendingPutProperties {
    private static final List<String> NODES = List.of("n0", "n1", "n2", "n3", "n4", "n5", "ghost");

    /** One input: 0 stored, 1 error, 2 conflict, 3 deadline; a node index; a time step. */
    record Input(int kind, int node, int stepMs) {
    }

    @Provide
    Arbitrary<List<Input>> inputs() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, NODES.size() - 1),
                Arbitraries.integers().between(0, 3_000)).as(Input::new).list().ofMaxSize(40);
    }

    @Property(tries = 500)
    void oneOutcomeAtMostAndOnlyWhenItIsTrue(@ForAll("inputs") List<Input> inputs,
                                             @ForAll @IntRange(min = 1, max = 4) int rf,
                                             @ForAll @IntRange(min = 0, max = 2) int spareCount,
                                             @ForAll CommitLevel level) {
        List<String> replicas = NODES.subList(0, rf);
        List<String> spares = NODES.subList(rf, rf + spareCount);
        long now = 0;
        PendingPut.Transition t = PendingPut.start("k", "{}".getBytes(StandardCharsets.UTF_8),
                new Placement(replicas, spares, Placement.Adherence.MEETS_STRICT), level, rf, 2_000, now);
        int committed = 0;
        int failed = 0;
        Set<String> started = new HashSet<>();
        List<PutAction> history = new ArrayList<>(t.actions());
        boolean wasDone = false;
        for (int i = 0; ; i++) {
            for (PutAction a : t.actions()) {
                if (a instanceof PutAction.Committed c) {
                    committed++;
                    assertThat(c.acknowledgedBy()).hasSizeGreaterThanOrEqualTo(level.required(rf));
                } else if (a instanceof PutAction.Failed) {
                    failed++;
                } else if (a instanceof PutAction.StartReplica s) {
                    assertThat(started.add(s.node())).as("no node started twice").isTrue();
                }
            }
            PendingPut p = t.put();
            assertThat(committed + failed).as(history.toString()).isLessThanOrEqualTo(1);
            assertThat(started.size()).isLessThanOrEqualTo(rf + spareCount);
            assertThat(p.outcome() == PendingPut.Outcome.COMMITTED).isEqualTo(committed == 1);
            if (p.outcome() == PendingPut.Outcome.PENDING) {
                assertThat(p.storedOn().size()).isLessThan(level.required(rf));
                assertThat(p.storedOn().size() + p.running()).as("pending puts can still make it").isGreaterThanOrEqualTo(level.required(rf));
            }
            if (wasDone) {
                assertThat(p.isDone()).as("done stays done").isTrue();
            }
            wasDone = p.isDone();
            if (i == inputs.size()) {
                break;
            }
            Input in = inputs.get(i);
            now += in.stepMs();
            String node = NODES.get(in.node());
            t = switch (in.kind()) {
                case 0 -> p.stored(node, now);
                case 1 -> p.failed(node, ReplicaFailure.ERROR, "e", now);
                case 2 -> p.failed(node, ReplicaFailure.CONFLICT, "c", now);
                default -> p.deadlinePassed(now);
            };
            history.addAll(t.actions());
        }
        // once time runs out for everyone, every put has an outcome
        PendingPut end = t.put();
        for (int round = 1; round <= NODES.size() && !end.isDone(); round++) {
            end = end.deadlinePassed(now + round * 10_000L).put();
        }
        assertThat(end.outcome()).isNotEqualTo(PendingPut.Outcome.PENDING);
        assertThat(end.isDone()).isTrue();
    }
}
