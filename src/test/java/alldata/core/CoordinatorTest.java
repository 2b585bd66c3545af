package alldata.core;

import static alldata.core.PutAssertions.committed;
import static alldata.core.PutAssertions.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The library coordinator beyond the seed's suite: timeouts, late acks, conflicts, dropped peers, threads. */
class CoordinatorTest {
    private static final String KEY = "k";
    private static final byte[] EVENT = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Replicas replicas = new Replicas();
    private final ManualTime time = new ManualTime();
    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void stopPools() {
        pools.forEach(ExecutorService::shutdownNow);
    }

    private static CoordinatorOptions.Builder options(CommitLevel level, int rf) {
        return CoordinatorOptions.builder().commitLevel(level).replicationFactor(rf).replicaTimeout(TIMEOUT);
    }

    private Coordinator coordinator(CoordinatorOptions options) {
        return new Coordinator(replicas, options, replicas, time);
    }

    /**
     * RF 3, otherZone 2: the plan is local, z1, z2 (one per zone); spares, in get-it-done order: r1 (other
     * region), then s1 (same zone).
     */
    private Coordinator threeWithTwoSpares(CommitLevel level) {
        Coordinator c = coordinator(options(level, 3).otherZoneReplicas(2).build());
        c.addPeer(new Peer("z1"), PeerLocation.zone("one"));
        c.addPeer(new Peer("z2"), PeerLocation.zone("two"));
        c.addPeer(new Peer("r1"), PeerLocation.region("far"));
        c.addPeer(new Peer("s1"), PeerLocation.sameZone());
        return c;
    }

    private CompletableFuture<PutResult> putOnThree(CommitLevel level) {
        CompletableFuture<PutResult> f = threeWithTwoSpares(level).put(KEY, EVENT);
        assertThat(replicas.nodes()).hasSize(3).startsWith("local").contains("z1", "z2");
        return f;
    }

    private ExecutorService pool(int threads) {
        ExecutorService p = Executors.newFixedThreadPool(threads);
        pools.add(p);
        return p;
    }

    // ---- fault domains (library option) ----

    @Test
    void withoutTheOptionAQuorumOfOneZoneCommitsAsTheSeedDid() {
        Coordinator c = coordinator(options(CommitLevel.QUORUM, 3).build());
        c.addPeer(new Peer("s1"), PeerLocation.sameZone());
        c.addPeer(new Peer("z1"), PeerLocation.zone("one"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        replicas.store("local");
        replicas.store("s1");
        assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("local", "s1");
    }

    @Test
    void withMinZonesTwoAQuorumWaitsForTheOtherZone() {
        Coordinator c = coordinator(options(CommitLevel.QUORUM, 3).spread(new SpreadRequirement(2, 1)).build());
        c.addPeer(new Peer("s1"), PeerLocation.sameZone());
        c.addPeer(new Peer("s2"), PeerLocation.sameZone());
        c.addPeer(new Peer("z1"), PeerLocation.zone("one"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        assertThat(replicas.nodes()).as("the plan takes the other zone first").contains("z1");
        String sameZone = replicas.nodes().contains("s1") ? "s1" : "s2";
        replicas.store("local");
        replicas.store(sameZone);
        assertThat(f).as("two acks, one zone").isNotDone();
        replicas.store("z1");
        assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("local", sameZone, "z1");
    }

    @Test
    void withMinZonesTwoAndNoOtherZoneAPutFailsNamingTheMissingZone() {
        Coordinator c = coordinator(options(CommitLevel.QUORUM, 2).spread(new SpreadRequirement(2, 1)).build());
        c.addPeer(new Peer("s1"), PeerLocation.sameZone());
        assertThat(failure(c.put(KEY, EVENT))).hasMessageContaining("missing 1 more zone")
                .hasMessageContaining("nothing was written");
        assertThatThrownBy(() -> options(CommitLevel.ONE, 2).spread(new SpreadRequirement(3, 1)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- replica timeout ----

    @Test
    void silentReplicaIsNotReplacedBeforeTheTimeout() {
        putOnThree(CommitLevel.ALL);
        replicas.store("local");
        replicas.store("z1");
        time.advance(TIMEOUT.minusMillis(1));
        assertThat(replicas.nodes()).hasSize(3);
    }

    @Test
    void silentReplicaIsReplacedOnTheFirstSpareWhenTheTimeoutPasses() {
        putOnThree(CommitLevel.ALL);
        replicas.store("local");
        replicas.store("z1");
        time.advance(TIMEOUT);
        assertThat(replicas.nodes()).hasSize(4).endsWith("r1");
        assertThat(replicas.call("r1").event()).isEqualTo(EVENT);
    }

    @Test
    void putCommitsOnceTheSpareOfATimedOutReplicaStores() {
        CompletableFuture<PutResult> f = putOnThree(CommitLevel.ALL);
        replicas.store("local");
        replicas.store("z1");
        time.advance(TIMEOUT);
        assertThat(f).isNotDone();
        replicas.store("r1");
        assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("local", "z1", "r1");
    }

    @Test
    void spareGetsAFullTimeoutOfItsOwn() {
        putOnThree(CommitLevel.ALL);
        replicas.store("local");
        replicas.store("z1");
        time.advance(TIMEOUT); // z2 times out, r1 starts
        time.advance(TIMEOUT.minusMillis(1));
        assertThat(replicas.nodes()).doesNotContain("s1");
        time.advanceMs(1); // r1 times out, s1 starts
        assertThat(replicas.nodes()).hasSize(5).endsWith("r1", "s1");
    }

    @Test
    void lateStoredFromATimedOutReplicaCountsTowardsTheCommitLevel() {
        CompletableFuture<PutResult> f = putOnThree(CommitLevel.ALL);
        replicas.store("local");
        replicas.store("z1");
        time.advance(TIMEOUT); // z2 timed out; r1 started in its place
        assertThat(f).isNotDone();
        replicas.store("z2");
        assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("local", "z1", "z2");
    }

    @Test
    void lateStoredAfterThePutFailedDoesNotCommitIt() {
        Coordinator c = coordinator(options(CommitLevel.ALL, 2).build());
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        replicas.store("local");
        time.advance(TIMEOUT);
        failure(f);
        replicas.store("p");
        failure(f);
    }

    @Test
    void timeoutWithNoSpareLeftFailsThePutSayingWhichReplicaTimedOut() {
        Coordinator c = coordinator(options(CommitLevel.ALL, 2).build());
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        replicas.store("local");
        time.advance(TIMEOUT);
        assertThat(failure(f)).hasMessageContaining("p timed out").hasMessageContaining("1 of 2 replicas were not created");
    }

    @Test
    void localStoreThatNeverAnswersTimesOutLikeAPeer() {
        Coordinator c = coordinator(options(CommitLevel.ONE, 1).build());
        c.addPeer(new Peer("spare"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        time.advance(TIMEOUT);
        assertThat(replicas.nodes()).containsExactly("local", "spare");
        replicas.store("spare");
        assertThat(committed(f).acknowledgedBy()).containsExactly("spare");
    }

    @Test
    void noTimerIsLeftOnceEveryReplicaAnswered() {
        CompletableFuture<PutResult> f = putOnThree(CommitLevel.QUORUM);
        replicas.store("local");
        replicas.store("z1");
        committed(f);
        replicas.store("z2");
        assertThat(time.scheduled()).isZero();
    }

    @Test
    void timerKeepsRunningAfterCommitWhileAReplicaIsStillRunning() {
        CompletableFuture<PutResult> f = putOnThree(CommitLevel.QUORUM);
        replicas.store("local");
        replicas.store("z1");
        committed(f);
        time.advance(TIMEOUT);
        assertThat(replicas.nodes()).as("replication carries on towards the replication factor").contains("r1");
    }

    // ---- conflicts, errors, dropped peers ----

    @Test
    void conflictFromAPeerIsReplacedOnASpare() {
        putOnThree(CommitLevel.ALL);
        replicas.conflict("z1");
        assertThat(replicas.nodes()).hasSize(4).endsWith("r1");
    }

    @Test
    void conflictFromAPeerDoesNotStopTheCommit() {
        CompletableFuture<PutResult> f = putOnThree(CommitLevel.ALL);
        replicas.store("local");
        replicas.conflict("z1");
        replicas.store("z2");
        assertThat(f).isNotDone();
        replicas.store("r1");
        assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("local", "z2", "r1");
    }

    @Test
    void conflictInTheLocalStoreIsReplacedLikeAnError() {
        CompletableFuture<PutResult> f = putOnThree(CommitLevel.ALL);
        replicas.conflict("local");
        replicas.store("z1");
        replicas.store("z2");
        replicas.store("r1");
        assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("z1", "z2", "r1");
    }

    @Test
    void sparesAreTriedInGetItDoneOrder() {
        putOnThree(CommitLevel.ALL);
        replicas.fail("z1");
        replicas.fail("r1");
        assertThat(replicas.nodes()).hasSize(5).endsWith("r1", "s1");
    }

    @Test
    void droppedSpareIsSkippedAndTheNextSpareIsTried() {
        Coordinator c = threeWithTwoSpares(CommitLevel.ALL);
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        c.dropPeer("r1");
        replicas.fail("z1");
        assertThat(replicas.nodes()).hasSize(4).endsWith("s1");
        assertThat(f).isNotDone();
    }

    @Test
    void droppedSpareCountsAsAFailedReplica() {
        Coordinator c = threeWithTwoSpares(CommitLevel.ALL);
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        c.dropPeer("r1");
        c.dropPeer("s1");
        replicas.store("local");
        replicas.store("z2");
        replicas.fail("z1");
        assertThat(replicas.nodes()).hasSize(3);
        assertThat(failure(f)).hasMessageContaining("r1 failed").hasMessageContaining("s1 failed");
    }

    @Test
    void storeThrowingSynchronouslyCountsAsAReplicaFailure() {
        ReplicaStore throwing = (k, e) -> {
            throw new IllegalStateException("boom");
        };
        Coordinator c = new Coordinator(throwing, options(CommitLevel.ONE, 1).build(), replicas, time);
        c.addPeer(new Peer("spare"));
        AtomicReference<CompletableFuture<PutResult>> f = new AtomicReference<>();
        assertThatCode(() -> f.set(c.put(KEY, EVENT))).doesNotThrowAnyException();
        assertThat(replicas.nodes()).as("the spare takes the local replica's place").containsExactly("spare");
        assertThat(f.get()).isNotDone();
    }

    @Test
    void storeReturningNullCountsAsAReplicaFailure() {
        Coordinator c = new Coordinator((k, e) -> null, options(CommitLevel.ONE, 1).build(), replicas, time);
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        failure(f);
    }

    @Test
    void transportThrowingSynchronouslyCountsAsAReplicaFailure() {
        PeerTransport throwing = (p, k, e) -> {
            throw new IllegalStateException("unreachable");
        };
        Coordinator c = new Coordinator(replicas, options(CommitLevel.ALL, 2).build(), throwing, time);
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        assertThat(failure(f)).hasMessageContaining("p failed");
    }

    @Test
    void transportReturningNullCountsAsAReplicaFailure() {
        Coordinator c = new Coordinator(replicas, options(CommitLevel.ALL, 2).build(), (p, k, e) -> null, time);
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        assertThat(failure(f)).hasMessageContaining("p failed");
    }

    // ---- arguments ----

    @Test
    void nullKeyIsRejectedAtOnce() {
        Coordinator c = coordinator(CoordinatorOptions.defaults());
        assertThatThrownBy(() -> c.put(null, EVENT)).isInstanceOf(NullPointerException.class);
        assertThat(replicas.nodes()).isEmpty();
    }

    @Test
    void nullEventIsRejectedAtOnce() {
        Coordinator c = coordinator(CoordinatorOptions.defaults());
        assertThatThrownBy(() -> c.put(KEY, null)).isInstanceOf(NullPointerException.class);
        assertThat(replicas.nodes()).isEmpty();
    }

    @Test
    void nullCommitLevelIsRejectedAtOnce() {
        Coordinator c = coordinator(CoordinatorOptions.defaults());
        assertThatThrownBy(() -> c.put(KEY, EVENT, null)).isInstanceOf(NullPointerException.class);
        assertThat(replicas.nodes()).isEmpty();
    }

    @Test
    void blankKeyIsRejectedAtOnce() {
        Coordinator c = coordinator(CoordinatorOptions.defaults());
        assertThatThrownBy(() -> c.put(" \t", EVENT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(replicas.nodes()).isEmpty();
    }

    @Test
    void putCopiesTheEventBytes() {
        Coordinator c = coordinator(options(CommitLevel.ONE, 2).build());
        c.addPeer(new Peer("p"));
        byte[] mine = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
        c.put(KEY, mine);
        mine[5] = '9';
        assertThat(new String(replicas.call("p").event(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":1}");
        assertThat(new String(replicas.call("local").event(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":1}");
    }

    @Test
    void putWithoutALevelUsesTheDefaultCommitLevel() {
        Coordinator c = coordinator(options(CommitLevel.ALL, 2).build());
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        replicas.store("local");
        assertThat(f).isNotDone();
        replicas.store("p");
        assertThat(committed(f).commitLevel()).isEqualTo(CommitLevel.ALL);
    }

    @Test
    void putWithALevelOverridesTheDefault() {
        Coordinator c = coordinator(options(CommitLevel.ALL, 2).build());
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT, CommitLevel.ONE);
        replicas.store("local");
        assertThat(committed(f).commitLevel()).isEqualTo(CommitLevel.ONE);
    }

    /** Found by this suite: build() accepts a timeout that put() cannot turn into milliseconds. */
    @Test
    void replicaTimeoutBeyondTheMillisecondRangeIsRejectedByBuild() {
        CoordinatorOptions.Builder b = CoordinatorOptions.builder().replicaTimeout(ChronoUnit.FOREVER.getDuration());
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicaTimeout");
    }

    // ---- one outcome ----

    @Test
    void committedPutStaysCommittedWhenEveryOtherReplicaFails() {
        CompletableFuture<PutResult> f = putOnThree(CommitLevel.ONE);
        replicas.store("local");
        replicas.fail("z1");
        replicas.fail("z2");
        replicas.fail("r1");
        replicas.fail("s1");
        assertThat(committed(f).acknowledgedBy()).containsExactly("local");
    }

    @Test
    void synchronousAnswersCompleteThePutInsideTheCall() {
        Coordinator c = new Coordinator((k, e) -> CompletableFuture.completedFuture(null), options(CommitLevel.ALL, 2).build(),
                (p, k, e) -> CompletableFuture.completedFuture(null), time);
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put(KEY, EVENT);
        assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("local", "p");
        assertThat(time.scheduled()).as("no timer left behind").isZero();
    }

    // ---- threads ----

    @Test
    void concurrentPutsWithAnswersOnOtherThreadsAllComplete() throws Exception {
        ExecutorService answerers = pool(3);
        ExecutorService callers = pool(4);
        PeerTransport async = (p, k, e) -> CompletableFuture.runAsync(() -> { }, answerers);
        ReplicaStore asyncStore = (k, e) -> CompletableFuture.runAsync(() -> { }, answerers);
        try (Coordinator c = new Coordinator(asyncStore, options(CommitLevel.ALL, 3).replicaTimeout(Duration.ofMinutes(1)).build(),
                async)) {
            c.addPeer(new Peer("a"), PeerLocation.zone("x"));
            c.addPeer(new Peer("b"), PeerLocation.region("y"));
            List<CompletableFuture<PutResult>> all = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < 4; t++) {
                int thread = t;
                callers.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < 500; i++) {
                        all.add(c.put("k-" + thread + "-" + i, EVENT));
                    }
                });
            }
            go.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> all.size() == 2_000 && all.stream().allMatch(CompletableFuture::isDone));
            assertThat(all).allSatisfy(f -> assertThat(committed(f).acknowledgedBy()).containsExactlyInAnyOrder("local", "a", "b"));
        }
    }

    @Test
    void answersRacingOnManyThreadsCommitEveryPut() throws Exception {
        ExecutorService answerers = pool(4);
        Coordinator c = coordinator(options(CommitLevel.QUORUM, 5).build());
        for (String p : List.of("a", "b", "c", "d")) {
            c.addPeer(new Peer(p));
        }
        List<CompletableFuture<PutResult>> puts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            puts.add(c.put("k" + i, EVENT));
        }
        for (Replicas.Call call : replicas.calls()) {
            answerers.execute(() -> call.future().complete(null));
        }
        answerers.shutdown();
        assertThat(answerers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(puts).allSatisfy(f -> assertThat(committed(f).acknowledgedBy()).hasSizeGreaterThanOrEqualTo(3));
    }
}
