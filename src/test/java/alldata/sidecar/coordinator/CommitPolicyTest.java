package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.coordinator.CommitPolicy.Decision;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

/** Adaptive commits: at once when the task is idle, grouped up to the bound while records keep coming. */
class CommitPolicyTest {
    private static final long BOUND_MS = 10;

    private static MockProcessorContext<byte[], byte[]> context(String guarantee) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "commit-policy-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        return new MockProcessorContext<>(props);
    }

    @Test
    void nothingWaitingAsksForNothing() {
        var context = context(StreamsConfig.EXACTLY_ONCE_V2);
        CommitPolicy p = CommitPolicy.of(context, BOUND_MS);
        assertThat(p.endOfCycle(context, 1_000, false, 0)).isEqualTo(Decision.NOTHING_WAITS);
        assertThat(p.endOfCycle(context, 1_000, false, 50)).isEqualTo(Decision.NOTHING_WAITS);
        assertThat(context.committed()).isFalse();
        assertThat(p.waiting(false)).isFalse();
    }

    @Test
    void anIdleTaskAsksAtOnceEvenJustAfterTheLastAsk() {
        var context = context(StreamsConfig.EXACTLY_ONCE_V2);
        CommitPolicy p = CommitPolicy.of(context, BOUND_MS);
        p.produced(1);
        assertThat(p.waiting(false)).isTrue();
        assertThat(p.endOfCycle(context, 1_000, false, 0)).isEqualTo(Decision.ASKED_IDLE);
        assertThat(context.committed()).isTrue();
        context.resetCommit();
        assertThat(p.waiting(false)).as("what was produced is in the asked commit").isFalse();

        p.produced(1);
        assertThat(p.endOfCycle(context, 1_001, false, 0)).as("1 ms later: no bound for an idle task")
                .isEqualTo(Decision.ASKED_IDLE);
        assertThat(context.committed()).isTrue();
    }

    @Test
    void aBusyTaskGroupsItsCommitsUpToTheBound() {
        var context = context(StreamsConfig.EXACTLY_ONCE_V2);
        CommitPolicy p = CommitPolicy.of(context, BOUND_MS);
        p.produced(5);
        assertThat(p.endOfCycle(context, 1_000, false, 5)).as("nothing asked before: the bound has passed")
                .isEqualTo(Decision.ASKED_BOUND);
        context.resetCommit();
        for (long t = 1_001; t < 1_000 + BOUND_MS; t++) {
            p.produced(3);
            assertThat(p.endOfCycle(context, t, false, 3)).isEqualTo(Decision.GROUPING);
        }
        assertThat(context.committed()).isFalse();
        p.produced(3);
        assertThat(p.endOfCycle(context, 1_000 + BOUND_MS, false, 3)).isEqualTo(Decision.ASKED_BOUND);
        assertThat(context.committed()).isTrue();
    }

    @Test
    void withAtLeastOnceOnlyOutcomesHeldForTheirOffsetsWait() {
        var context = context(StreamsConfig.AT_LEAST_ONCE);
        CommitPolicy p = CommitPolicy.of(context, BOUND_MS);
        p.produced(10);
        assertThat(p.waiting(false)).as("written output is visible without a commit").isFalse();
        assertThat(p.endOfCycle(context, 1_000, false, 0)).isEqualTo(Decision.NOTHING_WAITS);
        assertThat(p.endOfCycle(context, 1_000, true, 0)).isEqualTo(Decision.ASKED_IDLE);
        assertThat(context.committed()).isTrue();
    }
}
