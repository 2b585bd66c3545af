package alldata.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The one sender behind every measured phase: slots, schedule, late sends, outcomes, stalls. */
class PacedLoadTest {
    private static final Duration STALL = Duration.ofSeconds(30);

    @Test
    void aClosedLoopCountsEveryOutcomeAndTimesOnlyTheSucceededOnes() throws Exception {
        PacedLoad load = new PacedLoad(LoadShape.closed(3));
        LoadResult r = load.run(10, (i, intended) -> load.done(intended, intended + 5_000_000, i % 5 != 0), "test", STALL);
        assertThat(r.events()).isEqualTo(10);
        assertThat(r.succeeded()).isEqualTo(8);
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.latency().getTotalCount()).isEqualTo(8);
        assertThat(r.latency().getValueAtPercentile(50)).isBetween(4_990L, 5_010L); // µs from the intended time
        assertThat(r.lateSends()).isZero();
        assertThat(r.cpuNanos()).as("HotSpot reports process CPU time").isNotNegative();
        assertThat(r.cpuMicrosPerEvent()).isPresent();
    }

    @Test
    void anOpenLoopGivesEachEventItsDueTimeNotTheTimeItWasSent() throws Exception {
        LoadShape.Open shape = new LoadShape.Open(1_000_000, 100);
        PacedLoad load = new PacedLoad(shape);
        List<Long> intended = new CopyOnWriteArrayList<>();
        load.run(50, (i, t) -> {
            intended.add(t);
            load.done(t, System.nanoTime(), true);
        }, "test", STALL);
        for (int i = 0; i < 50; i++) {
            assertThat(intended.get(i) - intended.get(0)).isEqualTo(shape.offsetNanos(i));
        }
    }

    @Test
    void anOpenLoopCountsASendHeldBackByTheCapAsLate() throws Exception {
        // due all at once: events 0 and 1 take both slots and stay out; event 2 finds none
        PacedLoad load = new PacedLoad(LoadShape.open(1e9, 2));
        List<Long> pending = new CopyOnWriteArrayList<>();
        CompletableFuture<LoadResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return load.run(3, (i, t) -> {
                    if (i < 2) {
                        pending.add(t);
                    } else {
                        load.done(t, System.nanoTime(), true);
                    }
                }, "test", STALL);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> load.lateSends() == 1);
        assertThat(run).isNotDone();
        pending.forEach(t -> load.done(t, System.nanoTime(), true));
        LoadResult r = run.get();
        assertThat(r.lateSends()).isEqualTo(1);
        assertThat(r.succeeded()).isEqualTo(3);
    }

    @Test
    void aClosedLoopNeverCountsLateSendsThoughEverySendWaitsForASlot() throws Exception {
        PacedLoad load = new PacedLoad(LoadShape.closed(1));
        List<Long> pending = new CopyOnWriteArrayList<>();
        CompletableFuture<LoadResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return load.run(2, (i, t) -> pending.add(t), "test", STALL);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> pending.size() == 1);
        load.done(pending.get(0), System.nanoTime(), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> pending.size() == 2);
        load.done(pending.get(1), System.nanoTime(), true);
        assertThat(run.get().lateSends()).isZero();
    }

    @Test
    void aRunWhereNothingComesBackGivesUpAfterTheStall() {
        PacedLoad load = new PacedLoad(LoadShape.closed(2));
        assertThatThrownBy(() -> load.run(5, (i, t) -> { }, "topic out", Duration.ofMillis(100)))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("nothing came back from topic out for 0.1 s (0 of 5 events)");
    }

    @Test
    void aLoadRunsOnce() throws Exception {
        PacedLoad load = new PacedLoad(LoadShape.closed(1));
        load.run(1, (i, t) -> load.done(t, t, true), "test", STALL);
        assertThatThrownBy(() -> load.run(1, (i, t) -> load.done(t, t, true), "test", STALL))
                .isInstanceOf(IllegalStateException.class);
    }
}
