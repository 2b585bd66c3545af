package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The library coordinator beyond the seed's suite: timeouts, late acks, conflicts, concurrency. */
class CoordinatorTest {
    private static final byte[] EVENT = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private final Replicas replicas = new Replicas();
    private final ManualTime time = new ManualTime();

    private Coordinator twoZonePeersAndASpare(CommitLevel level) {
        Coordinator c = new Coordinator(replicas, CoordinatorOptions.builder().commitLevel(level).replicationFactor(3)
                .otherZoneReplicas(2).replicaTimeout(Duration.ofSeconds(5)).build(), replicas, time);
        c.addPeer(new Peer("z1"), PeerLocation.zone("one"));
        c.addPeer(new Peer("z2"), PeerLocation.zone("two"));
        c.addPeer(new Peer("spare"), PeerLocation.sameZone());
        return c;
    }

    @Test
    void silentReplicaIsReplacedOnTheSpareAfterTheTimeout() throws Exception {
        CompletableFuture<PutResult> f = twoZonePeersAndASpare(CommitLevel.ALL).put("k", EVENT);
        replicas.store("local");
        replicas.store("z1");
        time.advance(Duration.ofMillis(4_999));
        assertThat(replicas.nodes()).doesNotContain("spare");
        time.advance(Duration.ofMillis(1));
        assertThat(replicas.nodes()).containsExactlyInAnyOrder("local", "z1", "z2", "spare");
        assertThat(f).isNotDone();
        replicas.store("spare");
        assertThat(f.get().acknowledgedBy()).containsExactlyInAnyOrder("local", "z1", "spare");
    }

    @Test
    void lateStoredFromATimedOutReplicaStillCounts() throws Exception {
        CompletableFuture<PutResult> f = twoZonePeersAndASpare(CommitLevel.ALL).put("k", EVENT);
        replicas.store("local");
        replicas.store("z1");
        time.advance(Duration.ofSeconds(5));
        replicas.store("z2"); // late, after its replacement started
        assertThat(f.get().acknowledgedBy()).containsExactlyInAnyOrder("local", "z1", "z2");
    }

    @Test
    void timeoutWithNoSpareLeftFailsThePut() {
        Coordinator c = new Coordinator(replicas, CoordinatorOptions.builder().replicationFactor(2)
                .replicaTimeout(Duration.ofSeconds(1)).commitLevel(CommitLevel.ALL).build(), replicas, time);
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put("k", EVENT);
        replicas.store("local");
        time.advance(Duration.ofSeconds(1));
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).hasCauseInstanceOf(ReplicationException.class)
                .hasMessageContaining("p timed out").hasMessageContaining("1 of 2 replicas were not created");
        assertThat(time.scheduled()).as("no timer left behind").isZero();
    }

    @Test
    void conflictIsReplacedLikeAnError() throws Exception {
        CompletableFuture<PutResult> f = twoZonePeersAndASpare(CommitLevel.ALL).put("k", EVENT);
        replicas.store("local");
        replicas.conflict("z1");
        assertThat(replicas.nodes()).contains("spare");
        replicas.store("z2");
        replicas.store("spare");
        assertThat(f.get().acknowledgedBy()).containsExactlyInAnyOrder("local", "z2", "spare");
    }

    @Test
    void droppedSpareIsSkipped() {
        Coordinator c = twoZonePeersAndASpare(CommitLevel.ALL);
        CompletableFuture<PutResult> f = c.put("k", EVENT);
        c.dropPeer("spare");
        replicas.store("local");
        replicas.store("z1");
        replicas.fail("z2");
        assertThat(replicas.nodes()).doesNotContain("spare");
        assertThat(f).isCompletedExceptionally();
    }

    @Test
    void storeOrTransportThrowingCountsAsAReplicaFailure() {
        ReplicaStore throwing = (k, e) -> {
            throw new IllegalStateException("boom");
        };
        PeerTransport nulls = (p, k, e) -> null;
        Coordinator c = new Coordinator(throwing, CoordinatorOptions.builder().replicationFactor(2).commitLevel(CommitLevel.ONE)
                .build(), nulls, time);
        c.addPeer(new Peer("p"));
        CompletableFuture<PutResult> f = c.put("k", EVENT);
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).hasCauseInstanceOf(ReplicationException.class);
    }

    @Test
    void invalidArgumentsThrowAtOnce() {
        Coordinator c = new Coordinator(replicas, CoordinatorOptions.defaults(), replicas, time);
        assertThatThrownBy(() -> c.put(null, EVENT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.put("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.put("k", EVENT, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.put(" ", EVENT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(replicas.nodes()).isEmpty();
    }

    @Test
    void putCopiesTheEvent() {
        Coordinator c = new Coordinator(replicas, CoordinatorOptions.defaults(), replicas, time);
        byte[] mine = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
        c.put("k", mine);
        mine[5] = '9';
        assertThat(new String(replicas.events.get(0), StandardCharsets.UTF_8)).isEqualTo("{\"v\":1}");
    }

    @Test
    void completesExactlyOnceEvenWhenEveryReplicaAnswers() {
        CompletableFuture<PutResult> f = twoZonePeersAndASpare(CommitLevel.ONE).put("k", EVENT);
        AtomicInteger completions = new AtomicInteger();
        f.whenComplete((r, e) -> completions.incrementAndGet());
        replicas.store("local");
        replicas.store("z1");
        replicas.fail("z2");
        replicas.store("spare");
        time.advance(Duration.ofMinutes(1));
        assertThat(completions).hasValue(1);
        assertThat(f).isCompleted();
    }

    @Test
    void synchronousStoresCompleteInsideThePutCall() throws Exception {
        ReplicaStore instant = (k, e) -> CompletableFuture.completedFuture(null);
        PeerTransport instantPeers = (p, k, e) -> CompletableFuture.completedFuture(null);
        Coordinator c = new Coordinator(instant, CoordinatorOptions.builder().replicationFactor(2).commitLevel(CommitLevel.ALL)
                .build(), instantPeers, time);
        c.addPeer(new Peer("p"));
        assertThat(c.put("k", EVENT).get().acknowledgedBy()).containsExactly("local", "p");
        assertThat(time.scheduled()).isZero();
    }

    @Test
    void concurrentPutsWithAnswersOnOtherThreadsAllComplete() throws Exception {
        ExecutorService answerers = Executors.newFixedThreadPool(3);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (Coordinator c = new Coordinator(
                (k, e) -> CompletableFuture.runAsync(() -> { }, answerers),
                CoordinatorOptions.builder().replicationFactor(3).replicaTimeout(Duration.ofSeconds(30)).build(),
                (p, k, e) -> CompletableFuture.runAsync(() -> { }, answerers))) {
            c.addPeer(new Peer("a"), PeerLocation.zone("x"));
            c.addPeer(new Peer("b"), PeerLocation.zone("y"));
            List<CompletableFuture<PutResult>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                submitted.add(callers.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        all.add(c.put("k-" + thread + "-" + i, EVENT));
                    }
                }));
            }
            for (var s : submitted) {
                s.get(30, TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(all).hasSize(2_000).allSatisfy(f -> assertThat(f.join().acknowledgedBy()).hasSizeGreaterThanOrEqualTo(2));
        } finally {
            answerers.shutdownNow();
            callers.shutdownNow();
        }
    }

    @Test
    void realTimerReplacesASilentReplica() {
        List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        PeerTransport silentFirst = (p, k, e) -> {
            asked.add(p.id());
            return p.id().equals("silent") ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        };
        try (Coordinator c = new Coordinator((k, e) -> CompletableFuture.completedFuture(null),
                CoordinatorOptions.builder().replicationFactor(2).otherZoneReplicas(1).commitLevel(CommitLevel.ALL)
                        .replicaTimeout(Duration.ofMillis(50)).build(), silentFirst)) {
            c.addPeer(new Peer("silent"), PeerLocation.zone("z"));
            c.addPeer(new Peer("backup"), PeerLocation.region("r"));
            CompletableFuture<PutResult> f = c.put("k", EVENT);
            await().atMost(Duration.ofSeconds(10)).until(f::isDone);
            assertThat(f.join().acknowledgedBy()).containsExactly("local", "backup");
            assertThat(asked).containsExactly("silent", "backup");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
