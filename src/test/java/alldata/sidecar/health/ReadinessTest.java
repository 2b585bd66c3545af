package alldata.sidecar.health;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.http.Health;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    private final AtomicReference<Optional<String>> lifecycle = new AtomicReference<>(Optional.empty());
    private final AtomicReference<Optional<String>> storeFailure = new AtomicReference<>(Optional.empty());
    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private final Readiness.CoordinatorState coordinator = new Readiness.CoordinatorState(clock::get);
    private final AtomicBoolean writerRunning = new AtomicBoolean(true);
    private final AtomicBoolean membershipRunning = new AtomicBoolean(true);
    private final AtomicBoolean seesSelf = new AtomicBoolean(true);

    private final Readiness readiness = new Readiness(List.of(
            Readiness.open(lifecycle::get),
            Readiness.replicaStore(storeFailure::get),
            Readiness.coordinator(coordinator),
            Readiness.replicaWriter(writerRunning::get),
            Readiness.membership(membershipRunning::get, seesSelf::get, "alldata.membership")),
            () -> "node-1, 3 live members");

    private void running() {
        coordinator.onChange(State.REBALANCING, State.CREATED);
        coordinator.onChange(State.RUNNING, State.REBALANCING);
    }

    @Test
    void readyWhenEveryCheckPasses() {
        running();
        assertThat(readiness.check()).isEqualTo(Health.passing("ready: node-1, 3 live members"));
        assertThat(readiness.checkNames())
                .containsExactly("sidecar", "replica store", "coordinator", "replica writer", "membership");
    }

    @Test
    void aFullDiskMakesItUnreadyWithTheReasonAndWhatToDo() {
        running();
        storeFailure.set(Optional.of("write to /data/replicas failed: IO error: No space left on device"));
        Health h = readiness.check();
        assertThat(h.healthy()).isFalse();
        assertThat(h.detail()).startsWith("not ready: replica store: write to /data/replicas failed: IO error: No space left")
                .contains("free or fix the disk, then restart this sidecar");
    }

    @Test
    void theFirstFailingCheckSaysWhy() {
        running();
        writerRunning.set(false);
        seesSelf.set(false);
        assertThat(readiness.check().detail()).startsWith("not ready: replica writer: ");
        writerRunning.set(true);
        assertThat(readiness.check().detail()).startsWith("not ready: membership: this node is not live");
        membershipRunning.set(false);
        assertThat(readiness.check().detail()).startsWith("not ready: membership: the membership loop is not reading");
        lifecycle.set(Optional.of("shutting down"));
        assertThat(readiness.check()).isEqualTo(Health.failing("not ready: sidecar: shutting down"));
    }

    @Test
    void theCoordinatorIsNotReadyBeforeItFirstRuns() {
        assertThat(readiness.check().detail()).isEqualTo("not ready: coordinator: Kafka Streams is CREATED: not started yet");
        coordinator.onChange(State.REBALANCING, State.CREATED);
        assertThat(readiness.check().detail()).startsWith("not ready: coordinator: Kafka Streams is REBALANCING");
        coordinator.onChange(State.RUNNING, State.REBALANCING);
        assertThat(readiness.check().healthy()).isTrue();
    }

    @Test
    void aRebalanceAfterRunningStaysReady() {
        running();
        coordinator.onChange(State.REBALANCING, State.RUNNING);
        assertThat(readiness.check().healthy()).isTrue();
    }

    @Test
    void aDeadOrStoppingCoordinatorIsNotReady() {
        running();
        coordinator.onChange(State.PENDING_ERROR, State.RUNNING);
        assertThat(readiness.check().detail()).contains("Kafka Streams is PENDING_ERROR").contains("restart this sidecar");
        coordinator.onChange(State.ERROR, State.PENDING_ERROR);
        assertThat(readiness.check().healthy()).isFalse();
        coordinator.onChange(State.PENDING_SHUTDOWN, State.ERROR);
        assertThat(readiness.check().detail()).contains("PENDING_SHUTDOWN");
    }

    @Test
    void aCheckThatThrowsIsAFailureNotAnError() {
        Readiness broken = new Readiness(List.of(new Readiness.Check("store", () -> {
            throw new IllegalStateException("closed");
        })), () -> "x");
        assertThat(broken.check().detail()).isEqualTo("not ready: store: its check failed: java.lang.IllegalStateException: closed");
    }

    @Test
    void aCoordinatorThreadThatKeepsDyingMakesItUnreadyWithTheCountAndTheLastErrorUntilTheDeathsAgeOut() {
        running();
        coordinator.threadDied(new IllegalStateException("first"));
        clock.addAndGet(60_000);
        coordinator.threadDied(new IllegalStateException("second"));
        assertThat(readiness.check().healthy()).as("two deaths: replaced, still ready").isTrue();

        clock.addAndGet(60_000);
        coordinator.threadDied(new IllegalStateException("third: pending-puts store is broken"));
        Health h = readiness.check();
        assertThat(h.healthy()).isFalse();
        assertThat(h.detail()).startsWith("not ready: coordinator: 3 coordinator threads died in the last 5 minutes")
                .contains("last: java.lang.IllegalStateException: third: pending-puts store is broken");

        // the first death leaves the window: two remain
        clock.addAndGet(Readiness.CoordinatorState.DEATH_WINDOW.toMillis() - 120_001);
        assertThat(readiness.check().detail()).contains("3 coordinator threads died");
        clock.addAndGet(1);
        assertThat(readiness.check().healthy()).as("recovered by itself").isTrue();
    }

    @Test
    void aStateProblemIsReportedBeforeThreadDeaths() {
        running();
        for (int i = 0; i < 3; i++) {
            coordinator.threadDied(new IllegalStateException("boom"));
        }
        coordinator.onChange(State.PENDING_ERROR, State.RUNNING);
        assertThat(readiness.check().detail()).contains("Kafka Streams is PENDING_ERROR");
    }
}
