package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.core.AllDataKey;
import alldata.core.CommitLevel;
import alldata.core.ReplicationStrategy;
import alldata.core.SpreadRequirement;
import alldata.core.WhenShort;
import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.AllDataHeaders;
import alldata.protocol.ClockMarker;
import alldata.protocol.CommandFormat;
import alldata.protocol.CommandRecord;
import alldata.protocol.MemberRecord;
import alldata.protocol.FailedCopies;
import alldata.protocol.MetaUpdate;
import alldata.protocol.MetaUpdateBatch;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.PutOutcome;
import alldata.protocol.ReplyTo;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.RocksReplicaStore;
import alldata.store.WriteOutcome;
import alldata.testing.BadIngestRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator topology without a broker: Kafka's {@link TopologyTestDriver} feeds ingest and ack
 * records and moves the wall clock; the local replica is a real RocksDB store in a temp directory.
 * Node-1 coordinates; node-2 (zone b), node-3 (zone c) and node-4 (zone a, a spare) are its peers.
 */
class CoordinatorTopologyTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");
    private static final long PUT_TIMEOUT_MS = 60_000;
    private static final byte[] EVENT = "{\"sensor\":\"s-1\",\"value\":21.5}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private final AtomicLong wall = new AtomicLong(T0.toEpochMilli());
    private PeerDirectory peers;
    private RocksReplicaStore store;
    private SidecarMetrics metrics;
    private IngestGate gate;
    private final List<Long> clockMarkersSent = new ArrayList<>();
    /** Command records sent outside the transaction, by destination, since the last look. */
    private final java.util.Map<String, List<byte[]>> commandsSent = new java.util.HashMap<>();
    private final AtomicLong localAnswers = new AtomicLong();
    private TopologyTestDriver driver;
    /** Each driver gets its own state directory: a second one starts with nothing the first one wrote. */
    private int drivers;
    private TestInputTopic<byte[], byte[]> ingest;
    private TestInputTopic<byte[], byte[]> acks;
    private TestOutputTopic<byte[], byte[]> results;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    /** The fault domains puts must span unless their headers say otherwise; set before {@code start}. */
    private SpreadRequirement spread = SpreadRequirement.NONE;

    @BeforeEach
    void openStore() {
        store = RocksReplicaStore.open(dir.resolve("replicas"));
        metrics = new SidecarMetrics("node-1");
        peers = new PeerDirectory("node-1", "a", "r", 10_000, wall::get);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        store.close();
    }

    private void live(String node, String zone) {
        peers.apply(node, new MemberRecord(node, zone, "r", TOPICS.commands(node), null, MemberRecord.State.UP, wall.get()));
    }

    private void start(CommitLevel level, int maxPendingPuts, String... nodes) {
        start(StreamsConfig.EXACTLY_ONCE_V2, level, maxPendingPuts, new IngestLimits(1024, 1024, 4096, 64), nodes);
    }

    private void start(String guarantee, CommitLevel level, int maxPendingPuts, String... nodes) {
        start(guarantee, level, maxPendingPuts, new IngestLimits(1024, 1024, 4096, 64), nodes);
    }

    private void start(CommitLevel level, int maxPendingPuts, IngestLimits limits, String... nodes) {
        start(StreamsConfig.EXACTLY_ONCE_V2, level, maxPendingPuts, limits, nodes);
    }

    private void start(String guarantee, CommitLevel level, int maxPendingPuts, IngestLimits limits, String... nodes) {
        live("node-1", "a");
        for (String n : nodes) {
            live(n, switch (n) {
                case "node-2" -> "b";
                case "node-3" -> "c";
                default -> "a";
            });
        }
        CoordinatorSettings settings = new CoordinatorSettings("node-1", new ReplicationStrategy(3, 2, 0), level, 5_000,
                PUT_TIMEOUT_MS, WhenShort.DEGRADE, limits, maxPendingPuts, 1L << 30, 64 * 1024, 10, spread);
        gate = new IngestGate();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "coordinator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams-" + drivers++).toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        RocksLocalReplica local = new RocksLocalReplica("node-1", store, metrics);
        // the real local store, observed: tests wait (in real time) for its answers before moving the clock
        LocalReplica observed = new LocalReplica() {
            @Override
            public void write(String key, byte[] event, alldata.protocol.ReplicaMeta meta, java.util.function.Consumer<Ack> answer) {
                local.write(key, event, meta, a -> {
                    answer.accept(a);
                    localAnswers.incrementAndGet();
                });
            }

            @Override
            public java.util.Optional<alldata.protocol.ReplicaMeta> storedMeta(String key) {
                return local.storedMeta(key);
            }

            @Override
            public void updatePlans(List<MetaUpdate> updates) {
                local.updatePlans(updates);
            }

            @Override
            public void markFailed(List<String> keys) {
                local.markFailed(keys);
            }

            @Override
            public void clearFailed(List<String> keys) {
                local.clearFailed(keys);
            }
        };
        driver = new TopologyTestDriver(CoordinatorTopology.build(settings, TOPICS, peers, observed,
                (p, ms) -> clockMarkersSent.add(ms),
                (node, value) -> commandsSent.computeIfAbsent(node, n -> new ArrayList<>()).add(value), gate, metrics, 1 << 20), props, T0);
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        ingest = driver.createInputTopic(TOPICS.ingest(), ser, ser);
        acks = driver.createInputTopic(TOPICS.acks(), ser, ser);
        results = driver.createOutputTopic(TOPICS.results(), de, de);
        deadLetters = driver.createOutputTopic(TOPICS.deadLetter(), de, de);
    }

    private void advance(long ms) {
        wall.addAndGet(ms);
        driver.advanceWallClockTime(Duration.ofMillis(ms));
    }

    /** The key the coordinator derives for the ingest record at partition 0, {@code offset}, timestamp T0. */
    private static String keyAt(long offset) {
        return AllDataKey.ingest(T0.toEpochMilli(), 0, offset).value();
    }

    private void put(byte[] event) {
        ingest.pipeInput(new TestRecord<>(null, event, new RecordHeaders(), T0));
    }

    private List<PutBatch> commandsTo(String node) {
        return commandRecordsTo(node).stream().filter(PutBatch.class::isInstance).map(PutBatch.class::cast).toList();
    }

    /** Every command record sent to {@code node} since the last look. */
    private List<CommandRecord> commandRecordsTo(String node) {
        List<CommandRecord> records = new ArrayList<>();
        for (byte[] v : commandBytesTo(node)) {
            records.add(CommandFormat.decode(v));
        }
        return records;
    }

    /** Every command record sent to {@code node} since the last look, as sent. */
    private List<byte[]> commandBytesTo(String node) {
        List<byte[]> sent = commandsSent.remove(node);
        return sent == null ? List.of() : sent;
    }

    private void ack(Ack... answers) {
        acks.pipeInput(new TestRecord<>(null, AckFormat.encode(new AckBatch(answers[0].node(), List.of(answers))),
                new RecordHeaders(), Instant.ofEpochMilli(wall.get())));
    }

    private void clockMarker() {
        acks.pipeInput(new TestRecord<>(null, AckFormat.encode(new ClockMarker(wall.get())), new RecordHeaders(),
                Instant.ofEpochMilli(wall.get())));
    }

    /** Waits (real time) until the local store has answered {@code n} writes, then lets a cycle apply the answers. */
    private void awaitLocalAnswers(int n) {
        await("local answers").atMost(Duration.ofSeconds(10)).until(() -> localAnswers.get() >= n);
        advance(1);
    }

    /** Moves the clock one cycle at a time until an outcome is out (the local replica answers on its own thread). */
    private PutOutcome nextOutcome() {
        await("an outcome").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            advance(1);
            return !results.isEmpty();
        });
        return Wire.decode(results.readValue(), PutOutcome.class);
    }

    @Test
    void anIngestRecordBecomesOneCommandPerPeerCarryingTheEventBytesAndThePlan() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        put(EVENT);
        advance(1);

        for (String peer : List.of("node-2", "node-3")) {
            List<PutBatch> batches = commandsTo(peer);
            assertThat(batches).hasSize(1);
            PutBatch b = batches.get(0);
            assertThat(b.origin()).isEqualTo("node-1");
            assertThat(b.replyTo()).isEqualTo(new ReplyTo.AckPartition(0));
            PutCommand c = b.puts().get(0);
            assertThat(c.key()).isEqualTo(keyAt(0));
            assertThat(c.event()).isEqualTo(EVENT);
            assertThat(c.replicationFactor()).isEqualTo(3);
            assertThat(c.replicas()).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
            assertThat(c.replicas().get(0)).isEqualTo("node-1");
        }
    }

    @Test
    void manyPutsToOneNodeInOneCycleAreOneCommandRecord() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        for (int i = 0; i < 50; i++) {
            put(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        advance(1);

        List<PutBatch> toNode2 = commandsTo("node-2");
        assertThat(toNode2).hasSize(1);
        assertThat(toNode2.get(0).puts()).hasSize(50)
                .extracting(PutCommand::key).containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, 50).mapToObj(CoordinatorTopologyTest::keyAt).toList());
        assertThat(commandsTo("node-3")).hasSize(1);
    }

    @Test
    void theCommandsOfATransactionThatAbortsAreSentAgainUnchangedByTheReplayAndLeaveReplicasAsTheReplayAlone() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        List<byte[]> events = List.of(EVENT, "{\"n\":1}".getBytes(StandardCharsets.UTF_8),
                "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
        events.forEach(this::put);
        advance(1);
        awaitLocalAnswers(events.size());
        // commands go out at once, outside the transaction: they are on the command topics whatever it becomes
        List<byte[]> abortedToNode2 = commandBytesTo("node-2");
        List<byte[]> abortedToNode3 = commandBytesTo("node-3");
        assertThat(abortedToNode2).hasSize(1);
        assertThat(abortedToNode3).hasSize(1);
        assertThat(results.isEmpty()).isTrue();

        // the transaction aborts (the owner crashes before committing): its pending-puts entries and ingest offsets
        // are gone, so the next owner starts from nothing and processes the same records at the same offsets again
        driver.close();
        localAnswers.set(0);
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        events.forEach(this::put);
        advance(1);
        awaitLocalAnswers(events.size());
        List<byte[]> replayToNode2 = commandBytesTo("node-2");
        List<byte[]> replayToNode3 = commandBytesTo("node-3");
        assertThat(replayToNode2).as("the replay sends the very same command records").containsExactlyElementsOf(abortedToNode2);
        assertThat(replayToNode3).containsExactlyElementsOf(abortedToNode3);
        assertThat(metrics.conflictCount()).as("the local replica took the replay's writes as re-deliveries").isZero();

        // a replica that stored the aborted commands, then the replay's, ends as one that only saw the replay's
        try (RocksReplicaStore sawBoth = RocksReplicaStore.open(dir.resolve("node-2-both"));
             RocksReplicaStore sawReplay = RocksReplicaStore.open(dir.resolve("node-2-replay"))) {
            assertThat(applyTo(sawBoth, "node-2", abortedToNode2)).containsOnly(WriteOutcome.STORED);
            assertThat(applyTo(sawBoth, "node-2", replayToNode2)).as("idempotent: nothing changes")
                    .containsOnly(WriteOutcome.DUPLICATE);
            assertThat(applyTo(sawReplay, "node-2", replayToNode2)).containsOnly(WriteOutcome.STORED);
            for (int i = 0; i < events.size(); i++) {
                assertThat(sawBoth.get(keyAt(i)).orElseThrow()).isEqualTo(events.get(i))
                        .isEqualTo(sawReplay.get(keyAt(i)).orElseThrow());
                // the plan is the same; only the replica's own write time differs (the first write's is kept)
                assertThat(sawBoth.meta(keyAt(i)).orElseThrow()).usingRecursiveComparison().ignoringFields("storedAtMs")
                        .isEqualTo(sawReplay.meta(keyAt(i)).orElseThrow());
            }
        }

        // and the replay's puts commit, one outcome each
        for (int i = 0; i < events.size(); i++) {
            ack(Ack.ok(keyAt(i), "node-2"));
        }
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            PutOutcome o = nextOutcome();
            assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
            committed.add(o.key());
        }
        assertThat(committed).containsExactlyInAnyOrder(keyAt(0), keyAt(1), keyAt(2));
    }

    /** What a replica writer does with put batches: one store write of every put, write-once. */
    private static List<WriteOutcome> applyTo(RocksReplicaStore replica, String node, List<byte[]> records) {
        List<alldata.store.ReplicaWrite> writes = new ArrayList<>();
        for (byte[] r : records) {
            PutBatch b = (PutBatch) CommandFormat.decode(r);
            for (PutCommand c : b.puts()) {
                writes.add(new alldata.store.ReplicaWrite(c.key(), c.event(),
                        new alldata.protocol.ReplicaMeta(c.replicas(), b.origin(), c.replicationFactor(), 0)));
            }
        }
        assertThat(writes).as(node + " gets every put").hasSize(3);
        return replica.write(writes);
    }

    @Test
    void aQuorumOfAnswersPublishesOneCommittedOutcome() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        put(EVENT);
        advance(1);
        ack(Ack.ok(keyAt(0), "node-2"));

        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(o.key()).isEqualTo(keyAt(0));
        assertThat(o.acked()).containsExactlyInAnyOrder("node-1", "node-2");
        assertThat(o.replicas()).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(o.owed()).isZero();
        assertThat(o.ingest()).isEqualTo(new PutOutcome.IngestPosition(0, 0));
        assertThat(store.get(keyAt(0))).hasValue(EVENT);

        ack(Ack.ok(keyAt(0), "node-3"));
        advance(1);
        assertThat(results.isEmpty()).as("exactly one outcome").isTrue();
        assertThat(driver.getKeyValueStore(CoordinatorProcessor.STORE).get(keyAt(0))).as("finished puts leave the store")
                .isNull();
    }

    @Test
    void aReplicaThatMissesItsDeadlineIsRePlacedOnTheSpareOnlyOnceTheAckPartitionHasCaughtUp() {
        start(CommitLevel.ALL, 1000, "node-2", "node-3", "node-4");
        put(EVENT);
        advance(1);
        assertThat(commandsTo("node-2")).hasSize(1);
        commandsTo("node-3");
        ack(Ack.ok(keyAt(0), "node-3"));
        awaitLocalAnswers(1);

        advance(6_000);
        assertThat(commandsTo("node-4")).as("no clock marker read back yet: nothing times out").isEmpty();

        clockMarker();
        advance(100);
        List<PutBatch> spare = commandsTo("node-4");
        assertThat(spare).hasSize(1);
        assertThat(spare.get(0).puts().get(0).attempt()).isEqualTo(2);
        assertThat(spare.get(0).puts().get(0).replicas()).contains("node-4");
        assertThat(metrics.replacedCount()).isEqualTo(1);

        ack(Ack.ok(keyAt(0), "node-4"));
        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(o.acked()).containsExactlyInAnyOrder("node-1", "node-3", "node-4");
    }

    @Test
    void aReplicaThatTimesOutWithNoSpareLeftIsWaitedForAndItsLateAckCommitsThePut() {
        start(CommitLevel.ALL, 1000, "node-2", "node-3"); // no spare
        put(EVENT);
        advance(1);
        commandsTo("node-2");
        commandsTo("node-3");
        ack(Ack.ok(keyAt(0), "node-2"));
        awaitLocalAnswers(1);

        advance(6_000);
        clockMarker();
        advance(100);
        assertThat(results.isEmpty()).as("node-3 timed out, but its command waits in its topic: no outcome yet").isTrue();

        ack(Ack.ok(keyAt(0), "node-3")); // node-3 is back
        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(o.acked()).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(o.owed()).isZero();
    }

    @Test
    void aPutWhoseLevelIsNotMetByItsPutDeadlineFailsNamingWhoNeverAnswered() {
        start(CommitLevel.ALL, 1000, "node-2", "node-3");
        put(EVENT);
        advance(1);
        ack(Ack.ok(keyAt(0), "node-2"));
        awaitLocalAnswers(1);
        advance(6_000);
        clockMarker();
        advance(100);
        assertThat(results.isEmpty()).isTrue();

        advance(PUT_TIMEOUT_MS);
        clockMarker();
        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
        assertThat(o.error()).contains("no answer from [node-3]").contains("put.timeout.ms");
        assertThat(o.storedOn()).containsExactlyInAnyOrder("node-1", "node-2");
    }

    // ---- fault domains: node-1, node-4 and node-5 live in zone a; node-2 (zone b) is a member gone silent

    private void zoneBSilent() {
        peers.apply("node-2", new MemberRecord("node-2", "b", "r", TOPICS.commands("node-2"), null, MemberRecord.State.UP,
                wall.get() - 30_000));
        live("node-5", "a");
    }

    @Test
    void aPutThatCannotSpanTwoZonesWaitsForTheSilentZoneThenFailsNamingIt() {
        spread = new SpreadRequirement(2, 1);
        zoneBSilent();
        start(CommitLevel.QUORUM, 1000, "node-4");
        put(EVENT);
        advance(1);
        assertThat(commandsTo("node-2")).as("sent to the silent zone anyway: its command waits in its topic").hasSize(1);
        ack(Ack.ok(keyAt(0), "node-4"));
        awaitLocalAnswers(1);
        advance(100);
        assertThat(results.isEmpty()).as("QUORUM is met in zone a alone: not committed").isTrue();

        advance(6_000);
        clockMarker();
        advance(100);
        assertThat(commandsTo("node-5")).as("node-2 timed out: its spare starts, zone a").hasSize(1);
        ack(Ack.ok(keyAt(0), "node-5"));
        advance(100);
        assertThat(results.isEmpty()).as("three replicas, one zone: still waiting for node-2").isTrue();

        advance(PUT_TIMEOUT_MS);
        clockMarker();
        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
        assertThat(o.error()).contains("fault domains not met").contains("missing 1 more zone")
                .contains("node-2 in r/b").contains("put.timeout.ms");
        assertThat(o.storedOn()).containsExactlyInAnyOrder("node-1", "node-4", "node-5");
        assertThat(o.placement().ackedZones()).containsExactly("r/a");
        assertThat(o.placement().planZones()).containsExactly("r/a", "r/b");
        assertThat(o.placement().minZones()).isEqualTo(2);
    }

    @Test
    void aPutThatSpansTwoZonesOnceTheSilentZoneAnswersCommitsWithItsPlacement() {
        spread = new SpreadRequirement(2, 1);
        zoneBSilent();
        start(CommitLevel.QUORUM, 1000, "node-4");
        put(EVENT);
        advance(1);
        ack(Ack.ok(keyAt(0), "node-4"));
        awaitLocalAnswers(1);
        advance(100);
        assertThat(results.isEmpty()).isTrue();

        ack(Ack.ok(keyAt(0), "node-2")); // zone b is back
        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(o.acked()).containsExactlyInAnyOrder("node-1", "node-4", "node-2");
        assertThat(o.placement().ackedZones()).containsExactly("r/a", "r/b");
        assertThat(o.placement().ackedRegions()).containsExactly("r");
        assertThat(o.placement().strategyMet()).as("the strategy asks for 2 other-zone replicas").isFalse();
        assertThat(o.placement().fallback()).contains("no live peer in another zone");
    }

    @Test
    void aPerPutHeaderAsksForMoreZonesThanTheDefaultAndABadOneIsDeadLettered() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        ingest.pipeInput(new TestRecord<>(null, EVENT, new RecordHeaders().add(AllDataHeaders.MIN_ZONES, "3".getBytes(
                StandardCharsets.UTF_8)), T0));
        advance(1);
        ack(Ack.ok(keyAt(0), "node-2"));
        awaitLocalAnswers(1);
        advance(100);
        assertThat(results.isEmpty()).as("two zones acked, three asked for").isTrue();
        ack(Ack.ok(keyAt(0), "node-3"));
        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(o.placement().ackedZones()).containsExactly("r/a", "r/b", "r/c");
        assertThat(o.placement().minZones()).isEqualTo(3);
        assertThat(o.placement().strategyMet()).isTrue();

        ingest.pipeInput(new TestRecord<>(null, EVENT, new RecordHeaders().add(AllDataHeaders.MIN_ZONES, "4".getBytes(
                StandardCharsets.UTF_8)), T0));
        PutOutcome bad = Wire.decode(results.readValue(), PutOutcome.class);
        assertThat(bad.status()).isEqualTo(PutOutcome.Status.FAILED);
        assertThat(bad.error()).contains("alldata-min-zones").contains("from 1 to the replication factor 3");
        assertThat(deadLetters.readRecord().value()).isEqualTo(EVENT);
    }

    @Test
    void anAckThatArrivesBeforeItsIngestRecordIsIgnoredAndThePutStillCommits() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        ack(Ack.ok(keyAt(0), "node-2"));
        advance(1);
        assertThat(results.isEmpty()).isTrue();

        put(EVENT);
        advance(1);
        assertThat(commandsTo("node-2")).hasSize(1);
        ack(Ack.ok(keyAt(0), "node-2"));
        assertThat(nextOutcome().status()).isEqualTo(PutOutcome.Status.COMMITTED);
    }

    @Test
    void badInputGetsAFailedOutcomeAndADeadLetterAndThePartitionMovesOn() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        byte[] bad = "not json".getBytes(StandardCharsets.UTF_8);
        put(bad);

        PutOutcome failed = Wire.decode(results.readValue(), PutOutcome.class);
        assertThat(failed.status()).isEqualTo(PutOutcome.Status.FAILED);
        assertThat(failed.key()).isNull();
        assertThat(failed.error()).isNotBlank();
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(bad);
        assertThat(new String(dead.headers().lastHeader(AllDataHeaders.ERROR).value(), StandardCharsets.UTF_8))
                .isEqualTo(failed.error());

        put(EVENT);
        advance(1);
        ack(Ack.ok(keyAt(1), "node-2"));
        assertThat(nextOutcome().status()).isEqualTo(PutOutcome.Status.COMMITTED);
    }

    @Test
    void everyClassOfBadRecordInOnePartitionGetsOneFailedOutcomeAndOneDeadLetterAndThePartitionMovesOn() {
        IngestLimits limits = new IngestLimits(BadIngestRecord.MAX_EVENT_BYTES, 1024, 4096, 64);
        start(CommitLevel.QUORUM, 1000, limits, "node-2", "node-3");
        List<BadIngestRecord> bad = BadIngestRecord.all(limits.maxEventBytes());
        for (BadIngestRecord b : bad) {
            RecordHeaders headers = new RecordHeaders();
            b.headers().forEach(headers::add);
            ingest.pipeInput(new TestRecord<>(null, b.value(), headers,
                    b.timestampMs() == null ? T0 : Instant.ofEpochMilli(b.timestampMs())));
        }

        List<PutOutcome> outcomes = results.readValuesToList().stream().map(v -> Wire.decode(v, PutOutcome.class)).toList();
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(outcomes).as("one outcome per bad record").hasSize(bad.size());
        assertThat(dead).as("one dead letter per bad record").hasSize(bad.size());
        for (int i = 0; i < bad.size(); i++) {
            BadIngestRecord b = bad.get(i);
            PutOutcome o = outcomes.get(i);
            assertThat(o.status()).as(b.name()).isEqualTo(PutOutcome.Status.FAILED);
            assertThat(o.ingest()).as(b.name()).isEqualTo(new PutOutcome.IngestPosition(0, i));
            assertThat(o.error()).as(b.name()).contains(b.reason());
            assertThat(dead.get(i).value()).as(b.name() + ": dead letter holds the record's bytes").isEqualTo(b.value());
            assertThat(new String(dead.get(i).headers().lastHeader(AllDataHeaders.ERROR).value(), StandardCharsets.UTF_8))
                    .as(b.name()).isEqualTo(o.error());
            assertThat(dead.get(i).headers().lastHeader(AllDataHeaders.INGEST_OFFSET).value())
                    .isEqualTo(Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
        }

        // an event of exactly max.event.bytes, then an ordinary one, behind them in the same partition
        byte[] maximal = BadIngestRecord.eventOfSize(limits.maxEventBytes());
        put(maximal);
        put(EVENT);
        advance(1);
        ack(Ack.ok(keyAt(bad.size()), "node-2"), Ack.ok(keyAt(bad.size() + 1), "node-2"));
        PutOutcome first = nextOutcome();
        PutOutcome second = results.isEmpty() ? nextOutcome() : Wire.decode(results.readValue(), PutOutcome.class);
        assertThat(List.of(first, second)).extracting(PutOutcome::status).containsOnly(PutOutcome.Status.COMMITTED);
        assertThat(List.of(first, second)).extracting(PutOutcome::key)
                .containsExactlyInAnyOrder(keyAt(bad.size()), keyAt(bad.size() + 1));
        assertThat(store.get(keyAt(bad.size()))).hasValue(maximal);
        assertThat(results.isEmpty()).isTrue();
    }

    @Test
    void withFewerLiveNodesThanTheReplicationFactorAPutStillCommitsAtQuorumAndSaysWhatIsOwed() {
        start(CommitLevel.QUORUM, 1000, "node-2");
        put(EVENT);
        advance(1);
        assertThat(commandsTo("node-2")).hasSize(1);
        ack(Ack.ok(keyAt(0), "node-2"));

        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(o.replicas()).containsExactlyInAnyOrder("node-1", "node-2");
        assertThat(o.owed()).isEqualTo(1);
    }

    @Test
    void aFailedOutcomeNamesTheNodesThatHoldACopyAnyway() {
        start(CommitLevel.ALL, 1000, "node-2", "node-3");
        put(EVENT);
        advance(1);
        ack(Ack.ok(keyAt(0), "node-2"));
        ack(new Ack(keyAt(0), "node-3", Ack.Status.CONFLICT, "differs"));

        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
        assertThat(o.storedOn()).containsExactlyInAnyOrder("node-1", "node-2");
        assertThat(metrics.conflictCount()).as("node-3 counts its refusal; the coordinator does not count it again")
                .isZero();
    }

    @Test
    void aFailedPutWithCopiesTellsEveryReplicaItFailedAndMarksTheLocalCopy() {
        start(CommitLevel.ALL, 1000, "node-2", "node-3");
        put(EVENT);
        advance(1);
        assertThat(commandsTo("node-2")).hasSize(1);
        assertThat(commandsTo("node-3")).hasSize(1);
        awaitLocalAnswers(1);
        ack(Ack.ok(keyAt(0), "node-2"));
        ack(new Ack(keyAt(0), "node-3", Ack.Status.CONFLICT, "differs"));

        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
        assertThat(o.storedOn()).containsExactlyInAnyOrder("node-1", "node-2");
        advance(1);

        FailedCopies marker = new FailedCopies("node-1", List.of(keyAt(0)));
        assertThat(commandRecordsTo("node-2")).as("a holder learns the outcome, and gets no plan for a FAILED copy")
                .containsExactly(marker);
        assertThat(commandRecordsTo("node-3")).as("every started replica is told: it may store the event later")
                .containsExactly(marker);
        assertThat(store.isFailed(keyAt(0))).as("the local copy, marked directly").isTrue();
        assertThat(store.get(keyAt(0))).as("and no longer read as data").isEmpty();
    }

    @Test
    void aFailedOutcomesErrorSaysWhereTheEventIsStoredWhenItIsPublished() {
        start(CommitLevel.ALL, 1000, "node-2", "node-3");
        put(EVENT);
        advance(1);
        awaitLocalAnswers(1);
        advance(1);
        // node-3 refuses: ALL is out of reach, but node-2 still runs, so the FAILED outcome waits for it
        ack(new Ack(keyAt(0), "node-3", Ack.Status.CONFLICT, "differs"));
        assertThat(results.isEmpty()).isTrue();
        ack(Ack.ok(keyAt(0), "node-2"));

        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
        assertThat(o.storedOn()).containsExactly("node-1", "node-2");
        assertThat(o.error()).as("decided when only node-1 had stored it, reported as published")
                .contains("stored on [node-1, node-2], 1 of 3 replicas were not created")
                .contains("node-3 failed");
    }

    @Test
    void aPutWhoseReplicaFailedWithNoSpareTellsItsHoldersThePlanOfTheNodesThatHoldIt() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3"); // no spare: node-3's failure leaves a replica owed
        put(EVENT);
        advance(1);
        assertThat(commandsTo("node-2")).hasSize(1);
        assertThat(commandsTo("node-3")).hasSize(1);
        awaitLocalAnswers(1);
        ack(Ack.error(keyAt(0), "node-3", "No space left on device"));
        ack(Ack.ok(keyAt(0), "node-2"));

        PutOutcome o = nextOutcome();
        assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(o.replicas()).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(o.owed()).isEqualTo(1);
        advance(1);

        MetaUpdate truePlan = new MetaUpdate(keyAt(0), List.of("node-1", "node-2"), 3, MetaUpdate.AFTER_PUT_EPOCH);
        assertThat(commandRecordsTo("node-2")).containsExactly(new MetaUpdateBatch("node-1", List.of(truePlan)));
        assertThat(commandRecordsTo("node-3")).as("node-3 does not hold it").isEmpty();
        alldata.protocol.ReplicaMeta own = store.meta(keyAt(0)).orElseThrow();
        assertThat(own.replicas()).as("the local replica's plan, updated directly").containsExactly("node-1", "node-2");
        assertThat(own.epoch()).isEqualTo(MetaUpdate.AFTER_PUT_EPOCH);
        assertThat(own.replicationFactor()).isEqualTo(3);
    }

    @Test
    void aPutWhoseReplicasAllStoredItSendsNoPlanUpdate() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        put(EVENT);
        advance(1);
        commandsTo("node-2");
        commandsTo("node-3");
        awaitLocalAnswers(1);
        ack(Ack.ok(keyAt(0), "node-2"));
        ack(Ack.ok(keyAt(0), "node-3"));
        assertThat(nextOutcome().owed()).isZero();
        advance(1);
        advance(100);

        assertThat(commandRecordsTo("node-2")).isEmpty();
        assertThat(commandRecordsTo("node-3")).isEmpty();
        assertThat(store.meta(keyAt(0)).orElseThrow().epoch()).isZero();
        assertThat(driver.getKeyValueStore(CoordinatorProcessor.STORE).get(keyAt(0))).as("the put is finished").isNull();
    }

    @Test
    void aTaskAtItsBoundOfPendingPutsHoldsItsIngestPartitionUntilTheyDrain() {
        start(CommitLevel.ALL, 3, "node-2", "node-3");
        TopicPartition ingest0 = new TopicPartition(TOPICS.ingest(), 0);
        for (int i = 0; i < 3; i++) {
            put(EVENT);
        }
        assertThat(gate.isHeld(ingest0)).isTrue();

        advance(1);
        for (int i = 0; i < 3; i++) {
            ack(Ack.ok(keyAt(i), "node-2"));
            ack(Ack.ok(keyAt(i), "node-3"));
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            advance(1);
            return results.getQueueSize() == 3;
        });
        advance(CoordinatorProcessor.TICK_MS);
        assertThat(gate.isHeld(ingest0)).isFalse();
    }

    @Test
    void withAtLeastOnceAnOutcomeWaitsUntilItsIngestOffsetIsCommittedAndStaysInTheStoreTillThen() {
        start(StreamsConfig.AT_LEAST_ONCE, CommitLevel.QUORUM, 1000, "node-2", "node-3");
        put(EVENT);
        advance(1);
        ack(Ack.ok(keyAt(0), "node-2"), Ack.ok(keyAt(0), "node-2"));
        ack(Ack.ok(keyAt(0), "node-3"));
        awaitLocalAnswers(1);
        advance(1);
        assertThat(results.isEmpty()).as("offset 0 not committed yet: a crash would replay the record").isTrue();
        assertThat(driver.getKeyValueStore(CoordinatorProcessor.STORE).get(keyAt(0))).as("decided, kept until published")
                .isNotNull();

        gate.offsetsCommitted(java.util.Map.of(new TopicPartition(TOPICS.ingest(), 0), 1L));
        advance(1);
        PutOutcome o = Wire.decode(results.readValue(), PutOutcome.class);
        assertThat(o.status()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(o.acked()).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(results.isEmpty()).isTrue();
        assertThat(driver.getKeyValueStore(CoordinatorProcessor.STORE).get(keyAt(0))).isNull();
    }

    @Test
    void clockMarkersAreSentOnlyWhilePutsWaitForAnswers() {
        start(CommitLevel.QUORUM, 1000, "node-2", "node-3");
        advance(1_000);
        assertThat(clockMarkersSent).isEmpty();

        put(EVENT);
        advance(CoordinatorProcessor.TICK_MS);
        advance(CoordinatorProcessor.CLOCK_INTERVAL_MS);
        assertThat(clockMarkersSent).isNotEmpty();
    }
}
