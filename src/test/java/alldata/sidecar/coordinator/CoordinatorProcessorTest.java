package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.CommitLevel;
import alldata.core.PendingPut;
import alldata.core.PendingPut.Replica;
import alldata.core.PendingPut.ReplicaState;
import alldata.core.ReplicationStrategy;
import alldata.core.WhenShort;
import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.ClockMarker;
import alldata.protocol.CommandFormat;
import alldata.protocol.MemberRecord;
import alldata.protocol.PutBatch;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.RocksReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator processor with Kafka's {@link MockProcessorContext}: a store pre-loaded as a previous
 * owner left it, punctuators fired by hand, forwarded records inspected.
 */
class CoordinatorProcessorTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final long T0 = 1_800_000_000_000L;
    private static final String KEY = "20261129T060000000-00002-0000000000000000007";
    private static final byte[] EVENT = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private final AtomicLong wall = new AtomicLong(T0);
    private RocksReplicaStore replicas;
    private PeerDirectory peers;
    private MockProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private CoordinatorProcessor processor;
    private final Map<String, List<PutBatch>> sent = new TreeMap<>();
    private final Map<String, List<alldata.protocol.FailedCopies>> marks = new TreeMap<>();

    @BeforeEach
    void setUp() {
        replicas = RocksReplicaStore.open(dir.resolve("replicas"));
        peers = new PeerDirectory("node-1", "a", "r", 10_000, wall::get);
        for (String n : List.of("node-1", "node-2", "node-3")) {
            peers.apply(n, new MemberRecord(n, "a", "r", TOPICS.commands(n), null, MemberRecord.State.UP, T0));
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "coordinator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        context = new MockProcessorContext<>(props, new TaskId(0, 2), dir.resolve("state").toFile());
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CoordinatorProcessor.STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        context.setCurrentSystemTimeMs(T0);
    }

    @AfterEach
    void tearDown() {
        if (processor != null) {
            processor.close();
        }
        replicas.close();
    }

    /** A put a previous owner left: local replica stored, node-2 and node-3 running, the given spares. */
    private void leftByPreviousOwner(CommitLevel level, List<String> spares) {
        PendingPut put = new PendingPut(KEY, EVENT, level, 3, 5_000, List.of(
                new Replica("node-1", ReplicaState.STORED, Long.MAX_VALUE, 1),
                new Replica("node-2", ReplicaState.RUNNING, T0 - 60_000, 1),
                new Replica("node-3", ReplicaState.RUNNING, T0 - 60_000, 1)), spares, PendingPut.Outcome.PENDING);
        store.put(KEY, new PendingEntryCodec().encode(new PendingEntry(put, "corr-7", 2, 7, T0 - 60_000)));
    }

    private void startProcessor() {
        CoordinatorSettings settings = new CoordinatorSettings("node-1", new ReplicationStrategy(3, 0, 0), CommitLevel.QUORUM,
                5_000, 60_000, WhenShort.DEGRADE, new IngestLimits(1024, 1024, 4096, 64), 1000, 1L << 30, 64 * 1024, 10);
        processor = new CoordinatorProcessor(settings, peers, new RocksLocalReplica("node-1", replicas, new SidecarMetrics("node-1")),
                (p, ms) -> { }, (node, value) -> {
                    if (CommandFormat.decode(value) instanceof PutBatch b) {
                        sent.computeIfAbsent(node, n -> new ArrayList<>()).add(b);
                    } else if (CommandFormat.decode(value) instanceof alldata.protocol.FailedCopies f) {
                        marks.computeIfAbsent(node, n -> new ArrayList<>()).add(f);
                    }
                }, new IngestGate(), new SidecarMetrics("node-1"), TOPICS.ingest(), TOPICS.acks());
        processor.init(context);
    }

    private void punctuateAll(long at) {
        wall.set(at);
        context.setCurrentSystemTimeMs(at);
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(at));
    }

    private void ack(Ack answer, long at) {
        context.setRecordMetadata(TOPICS.acks(), 2, 101);
        processor.process(new Record<>(null, AckFormat.encode(new AckBatch(answer.node(), List.of(answer))), at));
    }

    private void clockMarker(long at) {
        context.setRecordMetadata(TOPICS.acks(), 2, 100);
        processor.process(new Record<>(null, AckFormat.encode(new ClockMarker(at)), at));
    }

    /** Put batches sent so far (outside the transaction), by destination. */
    private Map<String, List<PutBatch>> commands() {
        return new TreeMap<>(sent);
    }

    private List<PutOutcome> outcomes() {
        return context.forwarded(OutcomePublisher.RESULTS_SINK).stream()
                .map(f -> Wire.decode(f.record().value(), PutOutcome.class)).toList();
    }

    @Test
    void aRestoredPutAsksEveryUnansweredReplicaAgainAndJudgesDeadlinesFromTheResend() {
        leftByPreviousOwner(CommitLevel.ALL, List.of());
        startProcessor();
        long resumedAt = T0 + 1_000;
        punctuateAll(resumedAt);

        Map<String, List<PutBatch>> sent = commands();
        assertThat(sent).containsOnlyKeys("node-2", "node-3");
        assertThat(sent.get("node-2").get(0).puts().get(0).key()).isEqualTo(KEY);
        assertThat(sent.get("node-2").get(0).puts().get(0).event()).isEqualTo(EVENT);

        // the previous owner's deadlines passed long ago; this owner's run from the resend
        clockMarker(resumedAt + 4_999);
        punctuateAll(resumedAt + 4_999);
        assertThat(outcomes()).isEmpty();

        clockMarker(resumedAt + 5_000);
        punctuateAll(resumedAt + 5_000);
        assertThat(outcomes()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
            assertThat(o.correlationId()).isEqualTo("corr-7");
            assertThat(o.ingest()).isEqualTo(new PutOutcome.IngestPosition(2, 7));
            assertThat(o.storedOn()).containsExactly("node-1");
        });
        assertThat(store.get(KEY)).isNull();
    }

    /**
     * The previous owner's FAILED outcome was in a transaction that aborted, but its FAILED markers (sent outside the
     * transaction, read uncommitted) landed. The taken-over put COMMITS after all: its replicas take the marks back,
     * the local one directly, so the COMMITTED event is readable everywhere it is stored.
     */
    @Test
    void aTakenOverPutThatCommitsTakesBackTheFailedMarksOfAnAbortedOutcome() {
        replicas.markFailed(List.of(KEY)); // the aborted outcome's marker, applied here already
        leftByPreviousOwner(CommitLevel.QUORUM, List.of());
        startProcessor();
        punctuateAll(T0 + 1_000);
        ack(Ack.ok(KEY, "node-2"), T0 + 1_010);
        punctuateAll(T0 + 1_020);

        assertThat(outcomes()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED));
        assertThat(replicas.isFailed(KEY)).as("the local mark is taken back").isFalse();
        for (String node : List.of("node-2", "node-3")) {
            assertThat(marks.get(node)).as(node).singleElement().satisfies(f -> {
                assertThat(f.failed()).isFalse();
                assertThat(f.keys()).containsExactly(KEY);
            });
        }
    }

    /**
     * A put taken over from a previous owner may already be stored on a node that has since announced LEAVING
     * (a replica is durable once written): it is asked again instead of being refused as down, and its OK
     * commits the put. Refusing it failed puts whose QUORUM was in fact stored.
     */
    @Test
    void aRestoredPutIsResentEvenToANodeThatLooksDownBecauseItMayHoldTheReplica() {
        peers.apply("node-3", new MemberRecord("node-3", "a", "r", TOPICS.commands("node-3"), null,
                MemberRecord.State.LEAVING, T0));
        leftByPreviousOwner(CommitLevel.QUORUM, List.of());
        startProcessor();
        punctuateAll(T0 + 1);
        assertThat(commands()).containsKeys("node-2", "node-3");
        assertThat(outcomes()).isEmpty();

        // node-2 stays silent; node-3 holds the replica and answers OK
        ack(Ack.ok(KEY, "node-3"), T0 + 2);
        punctuateAll(T0 + 3);
        assertThat(outcomes()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
            assertThat(o.acked()).containsExactlyInAnyOrder("node-1", "node-3");
            assertThat(o.ingest()).isEqualTo(new PutOutcome.IngestPosition(2, 7));
        });
    }

    @Test
    void twoReplicaStartsRefusedInOneTransitionBothCount() {
        // node-2 and node-3 time out together; every spare is down, so each replacement is refused at once
        leftByPreviousOwner(CommitLevel.QUORUM, List.of("node-4", "node-5", "node-6"));
        startProcessor();
        punctuateAll(T0 + 1);
        clockMarker(T0 + 6_000);
        punctuateAll(T0 + 6_000);

        assertThat(outcomes()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
            assertThat(o.replicas()).containsExactly("node-1", "node-2", "node-3", "node-4", "node-5", "node-6");
        });
        assertThat(store.get(KEY)).as("the put is finished, not left with a replica falsely running").isNull();
    }

    @Test
    void aStoreEntryThatCannotBeReadIsDroppedAndTheTaskStillStarts() {
        store.put(KEY, new byte[] {9, 9, 9});
        startProcessor();
        punctuateAll(T0 + 1);
        assertThat(store.get(KEY)).isNull();
        assertThat(commands()).isEmpty();
    }
}
