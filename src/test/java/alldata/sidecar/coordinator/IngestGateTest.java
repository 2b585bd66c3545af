package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The poll wake-ups a task keeps while something waits for its next cycle. */
class IngestGateTest {
    private final IngestGate gate = new IngestGate();

    @Test
    void withoutWakeUpsAPollBlocksAsLongAsAsked() {
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(100);
        IngestGate.WakeUp w = gate.wakeUp();
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(100);
        w.cancel();
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(100);
    }

    @Test
    void aPollThatReturnsBeforeTheTasksCycleRanDoesNotSpendTheWakeUp() {
        IngestGate.WakeUp w = gate.wakeUp();
        w.at(1_001);
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(1);
        // the poll came back early (a record of another task, or timer granularity); the punctuation is not due yet
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(1);
        assertThat(gate.pollTimeoutMs(1_001, 100)).isEqualTo(1);
    }

    @Test
    void aPassedWakeUpKeepsPollsShortUntilTheTaskCancelsIt() {
        IngestGate.WakeUp w = gate.wakeUp();
        w.at(1_001);
        assertThat(gate.pollTimeoutMs(1_050, 100)).isEqualTo(1);
        assertThat(gate.pollTimeoutMs(1_050, 0)).isZero();
        w.cancel();
        assertThat(gate.pollTimeoutMs(1_050, 100)).isEqualTo(100);
    }

    @Test
    void byKeepsAnEarlierWishAndAtReplacesIt() {
        IngestGate.WakeUp w = gate.wakeUp();
        w.by(1_010);
        w.by(1_050);
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(10);
        w.at(1_050);
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(50);
    }

    @Test
    void theEarliestWakeUpOfAllTasksCountsUntilItsTaskCloses() {
        IngestGate.WakeUp a = gate.wakeUp();
        IngestGate.WakeUp b = gate.wakeUp();
        a.at(1_040);
        b.at(1_005);
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(5);
        gate.forget(b);
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(40);
        gate.forget(a);
        gate.forget(null);
        assertThat(gate.pollTimeoutMs(1_000, 100)).isEqualTo(100);
    }

    /** However many polls run between two cycles of the task, none blocks past its wake-up (or 1 ms once passed). */
    @Property
    void noPollBlocksPastAStandingWakeUp(@ForAll @IntRange(min = 0, max = 50) int wakeInMs,
                                         @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 200) Integer> pollGaps,
                                         @ForAll @IntRange(min = 0, max = 500) int requested) {
        IngestGate.WakeUp w = gate.wakeUp();
        long now = 10_000;
        long wakeAt = now + wakeInMs;
        w.at(wakeAt);
        for (int gap : pollGaps) {
            assertThat(gate.pollTimeoutMs(now, requested))
                    .isLessThanOrEqualTo(Math.max(1, wakeAt - now))
                    .isLessThanOrEqualTo(requested);
            now += gap;
        }
    }
}
