package alldata.sidecar.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When owed events are tried: a few seconds after they arrive, again when a node comes UP, a full pass past the bound. */
class OwedEventsTest {
    private final OwedEvents owed = new OwedEvents();

    @Test
    void newKeysAreCountedAtOnceAndTriedAfterTheSettlingTime() {
        owed.observeUp(Set.of("a", "b"));
        owed.note(List.of("k1", "k2", "k3"));
        owed.intake(k -> !k.equals("k3"), 1_000); // k3: another holder completes it
        assertThat(owed.count()).isEqualTo(2);
        assertThat(owed.due(1_000 + OwedEvents.SETTLE_MS - 1)).isEqualTo(OwedEvents.Round.NONE);
        assertThat(owed.due(1_000 + OwedEvents.SETTLE_MS)).isEqualTo(OwedEvents.Round.FRESH);
        assertThat(owed.take(OwedEvents.Round.FRESH)).containsExactly("k1", "k2");
        assertThat(owed.count()).as("in the round: still owed").isEqualTo(2);
        owed.tried("k1", false);
        owed.tried("k2", true); // no node can take it yet
        assertThat(owed.count()).isEqualTo(1);
        assertThat(owed.due(60_000)).as("waiting keys are not retried on a timer").isEqualTo(OwedEvents.Round.NONE);
    }

    @Test
    void aNodeComingUpMakesEveryWaitingKeyDue() {
        owed.observeUp(Set.of("a", "b", "c"));
        owed.note(List.of("k1"));
        owed.intake(k -> true, 0);
        owed.take(OwedEvents.Round.FRESH).forEach(k -> owed.tried(k, true));
        owed.observeUp(Set.of("a", "b")); // c is down
        assertThat(owed.due(10_000)).isEqualTo(OwedEvents.Round.NONE);
        owed.observeUp(Set.of("a", "b", "c")); // c is back
        assertThat(owed.due(10_000)).isEqualTo(OwedEvents.Round.ALL);
        assertThat(owed.take(OwedEvents.Round.ALL)).containsExactly("k1");
        owed.tried("k1", false);
        assertThat(owed.count()).isZero();
        assertThat(owed.due(20_000)).isEqualTo(OwedEvents.Round.NONE);
    }

    @Test
    void failedCopiesAreRetriedAfterTheRetryTime() {
        owed.observeUp(Set.of("a"));
        owed.note(List.of("k1"));
        owed.intake(k -> true, 0);
        owed.take(OwedEvents.Round.FRESH).forEach(k -> owed.tried(k, true));
        owed.retryAt(30_000);
        assertThat(owed.due(29_999)).isEqualTo(OwedEvents.Round.NONE);
        assertThat(owed.due(30_000)).isEqualTo(OwedEvents.Round.ALL);
    }

    @Test
    void pastTheBoundKeysAreOnlyCountedAndAFullPassFindsThemWhenANodeComesUp() {
        owed.observeUp(Set.of("a", "b"));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < OwedEvents.MAX_TRACKED + 10; i++) {
            many.add("k" + i);
        }
        owed.note(many.subList(0, OwedEvents.MAX_TRACKED));
        owed.note(many.subList(OwedEvents.MAX_TRACKED, many.size()));
        owed.intake(k -> true, 0);
        assertThat(owed.count()).isEqualTo(OwedEvents.MAX_TRACKED + 10);
        owed.observeUp(Set.of("a", "b", "c"));
        assertThat(owed.due(0)).isEqualTo(OwedEvents.Round.FULL_PASS);
        owed.passStarted();
        assertThat(owed.count()).isZero();
        assertThat(owed.due(OwedEvents.SETTLE_MS)).isEqualTo(OwedEvents.Round.NONE);
    }

    @Test
    void aPassForgetsWhatWasNotedBeforeItStartedAndWhatItCompleted() {
        owed.observeUp(Set.of("a"));
        owed.note(List.of("before"));
        owed.passStarted();
        owed.note(List.of("during1", "during2"));
        owed.intake(k -> true, 0);
        assertThat(owed.count()).isEqualTo(2);
        owed.passFinished(k -> k.equals("during2"));
        assertThat(owed.count()).isEqualTo(1);
    }
}
