package alldata.sidecar.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.AckRecord;
import alldata.protocol.CommandFormat;
import alldata.protocol.CommandRecord;
import alldata.protocol.MetaUpdate;
import alldata.protocol.FailedCopies;
import alldata.protocol.MetaUpdateBatch;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.ReplicaMeta;
import alldata.protocol.ReplyBatch;
import alldata.protocol.ReplyTo;
import alldata.protocol.Topics;
import alldata.sidecar.Sidecar;
import alldata.sidecar.config.SidecarConfig;
import alldata.sidecar.kafka.KafkaClients;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.store.PlanUpdateOutcome;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import alldata.testing.BadCommandRecords;
import alldata.store.WriteOutcome;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The replica writer against {@link MockConsumer}/{@link MockProducer} and a real RocksDB store, one loop
 * turn at a time ({@link ReplicaWriter#runOnce()}), with a sleeper that records instead of sleeping.
 */
class ReplicaWriterTest {
    private static final String NODE = "n1";
    private static final KafkaClients KAFKA = Sidecar.kafkaClients(SidecarConfig.from(
            Map.of("node.id", NODE, "kafka.bootstrap.servers", "unused:9092"), Map.of()));
    private static final Topics TOPICS = KAFKA.topics();
    private static final TopicPartition COMMANDS = new TopicPartition(TOPICS.commands(NODE), 0);
    private static final List<String> PLAN = List.of("n0", NODE, "n2");

    /** A MockConsumer whose async commits fail while {@link #failCommits} is set, and that keeps its sync commits. */
    private static final class Consumer extends MockConsumer<byte[], byte[]> {
        boolean failCommits;
        final List<Map<TopicPartition, OffsetAndMetadata>> syncCommits = new ArrayList<>();

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            syncCommits.add(Map.copyOf(offsets));
            super.commitSync(offsets, timeout);
        }

        Consumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            if (failCommits) {
                callback.onComplete(offsets, new RetriableCommitFailedException("group coordinator not available"));
            } else {
                super.commitAsync(offsets, callback);
            }
        }
    }

    private final Consumer consumer = new Consumer();
    private final SidecarMetrics metrics = new SidecarMetrics(NODE);
    private final List<Long> sleeps = new ArrayList<>();
    /** The writer's clock: unless a test stops it, every reading is one offset-commit interval later. */
    private final java.util.concurrent.atomic.AtomicLong clockMs = new java.util.concurrent.atomic.AtomicLong();
    private boolean clockRuns = true;
    private final List<AckBatch> replies = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final ch.qos.logback.classic.Logger writerLog =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ReplicaWriter.class);
    private RocksReplicaStore store;
    private MockProducer<byte[], byte[]> producer;
    private ReplicaWriter writer;
    private int storeWrites;
    private long nextOffset;

    @BeforeEach
    void openStore(@TempDir Path dir) {
        store = RocksReplicaStore.open(dir);
        logs.start();
        writerLog.addAppender(logs);
        writerLog.setLevel(Level.INFO);
        writerLog.setAdditive(false); // the failures here are on purpose: keep them off the console
    }

    @AfterEach
    void closeAll() {
        writerLog.detachAppender(logs);
        writerLog.setLevel(null);
        writerLog.setAdditive(true);
        if (writer != null) {
            writer.close();
        }
        store.close();
    }

    /** A writer whose consumer owns partition 0 of the command topic after one (empty) turn. */
    private void startWriter(boolean autoCompleteSends) {
        producer = new MockProducer<>(autoCompleteSends, null, new ByteArraySerializer(), new ByteArraySerializer());
        ReplicaWriter.BatchStore counting = new ReplicaWriter.BatchStore() {
            @Override
            public List<WriteOutcome> write(List<ReplicaWrite> writes) {
                storeWrites++;
                return store.write(writes);
            }

            @Override
            public List<PlanUpdateOutcome> updatePlans(List<MetaUpdate> updates, String origin) {
                return store.updatePlans(updates, origin);
            }

            @Override
            public int markFailed(List<String> keys) {
                return store.markFailed(keys);
            }

            @Override
            public void clearFailed(List<String> keys) {
                store.clearFailed(keys);
            }
        };
        writer = new ReplicaWriter(KAFKA, counting, consumer, producer, metrics, replies::add, sleeps::add,
                () -> clockRuns ? clockMs.addAndGet(ReplicaWriter.OFFSET_COMMIT_INTERVAL_MS) : clockMs.get());
        consumer.updateBeginningOffsets(Map.of(COMMANDS, 0L));
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(COMMANDS)));
        writer.runOnce();
        assertThat(consumer.subscription()).containsExactly(COMMANDS.topic());
        assertThat(writer.healthy()).isTrue();
    }

    private void deliver(byte[] value) {
        consumer.addRecord(new ConsumerRecord<>(COMMANDS.topic(), 0, nextOffset++, null, value));
    }

    private void deliver(CommandRecord command) {
        deliver(CommandFormat.encode(command));
    }

    private static PutCommand put(String key, String event) {
        return new PutCommand(key, event.getBytes(StandardCharsets.UTF_8), 1, 3, PLAN);
    }

    private static PutBatch batch(String origin, int ackPartition, PutCommand... puts) {
        return new PutBatch(origin, new ReplyTo.AckPartition(ackPartition), List.of(puts));
    }

    private List<ProducerRecord<byte[], byte[]>> ackRecords() {
        return producer.history().stream().filter(r -> r.topic().equals(TOPICS.acks())).toList();
    }

    private static AckBatch answers(ProducerRecord<byte[], byte[]> record) {
        AckRecord decoded = AckFormat.decode(record.value());
        assertThat(decoded).isInstanceOf(AckBatch.class);
        return (AckBatch) decoded;
    }

    private static List<String> keys(AckBatch batch) {
        return batch.acks().stream().map(Ack::key).toList();
    }

    private Optional<Long> committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(COMMANDS)).get(COMMANDS);
        return Optional.ofNullable(o).map(OffsetAndMetadata::offset);
    }

    private List<ILoggingEvent> logged(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).toList();
    }

    @Test
    void onePollIsOneStoreWriteAndOneAckRecordPerAckPartition() {
        startWriter(true);
        deliver(batch("n0", 2, put("k1", "{\"a\":1}"), put("k2", "{\"a\":2}"), put("k3", "{\"a\":3}")));
        deliver(batch("n2", 5, put("k4", "{\"b\":4}"), put("k5", "{\"b\":5}")));
        deliver(batch("n0", 2, put("k6", "{\"a\":6}")));

        writer.runOnce();

        assertThat(storeWrites).isEqualTo(1);
        for (String k : List.of("k1", "k2", "k3", "k6")) {
            assertThat(store.get(k)).isPresent();
            assertThat(store.meta(k)).get().satisfies(m -> {
                assertThat(m.replicas()).isEqualTo(PLAN);
                assertThat(m.coordinator()).isEqualTo("n0");
                assertThat(m.replicationFactor()).isEqualTo(3);
            });
        }
        assertThat(store.get("k4")).get().isEqualTo("{\"b\":4}".getBytes(StandardCharsets.UTF_8));
        assertThat(store.meta("k5").map(ReplicaMeta::coordinator)).contains("n2");

        assertThat(producer.history()).hasSize(2);
        List<ProducerRecord<byte[], byte[]>> acks = ackRecords();
        assertThat(acks).hasSize(2);
        assertThat(acks.get(0).partition()).isEqualTo(2);
        assertThat(keys(answers(acks.get(0)))).containsExactly("k1", "k2", "k3", "k6");
        assertThat(acks.get(1).partition()).isEqualTo(5);
        assertThat(keys(answers(acks.get(1)))).containsExactly("k4", "k5");
        assertThat(acks.stream().flatMap(r -> answers(r).acks().stream()))
                .allSatisfy(a -> assertThat(a).isEqualTo(Ack.ok(a.key(), NODE)));
        assertThat(committed()).contains(3L);
    }

    @Test
    void offsetsAreCommittedAtMostOncePerIntervalNotAfterEveryPoll() {
        startWriter(true);
        clockRuns = false;
        deliver(batch("n0", 1, put("k1", "{}")));
        writer.runOnce();
        deliver(batch("n0", 1, put("k2", "{}")));
        writer.runOnce();
        writer.runOnce();
        assertThat(committed()).as("one commit in the interval").contains(1L);

        clockMs.addAndGet(ReplicaWriter.OFFSET_COMMIT_INTERVAL_MS);
        writer.runOnce();
        assertThat(committed()).contains(2L);
    }

    @Test
    void putsThatAskForRepliesOnANodeAreAnsweredWithOneReplyBatchOnItsCommandTopic() {
        startWriter(true);
        PutBatch repair = new PutBatch("n7", new ReplyTo.Node("n7"), List.of(put("r1", "{}"), put("r2", "{}")));
        deliver(repair);
        deliver(batch("n0", 1, put("k1", "{}")));

        writer.runOnce();

        List<ProducerRecord<byte[], byte[]>> toN7 = producer.history().stream()
                .filter(r -> r.topic().equals(TOPICS.commands("n7"))).toList();
        assertThat(toN7).hasSize(1);
        CommandRecord reply = CommandFormat.decode(toN7.get(0).value());
        assertThat(reply).isEqualTo(new ReplyBatch(new AckBatch(NODE, List.of(Ack.ok("r1", NODE), Ack.ok("r2", NODE)))));
        assertThat(ackRecords()).hasSize(1);
        assertThat(keys(answers(ackRecords().get(0)))).containsExactly("k1");
        assertThat(store.meta("r1").map(ReplicaMeta::coordinator)).contains("n7");
    }

    @Test
    void malformedCommandsAreSkippedCountedAndLoggedWhileTheValidOnesAroundThemAreStored() {
        startWriter(true);
        deliver(batch("n0", 1, put("k1", "{}")));
        deliver(BadCommandRecords.garbage());
        deliver("{\"key\":\"k9\",\"event\":{},\"coordinator\":\"n0\",\"attempt\":1,\"ackPartition\":1,\"replicas\":[]}"
                .getBytes(StandardCharsets.UTF_8));
        deliver(BadCommandRecords.putWithEmptyKey());
        deliver(new byte[] {CommandFormat.FORMAT, 9});
        deliver(batch("n0", 1, put("k2", "{}")));

        writer.runOnce();

        assertThat(metrics.malformedCommandCount()).isEqualTo(4);
        assertThat(store.get("k1")).isPresent();
        assertThat(store.get("k2")).isPresent();
        assertThat(ackRecords()).hasSize(1);
        assertThat(keys(answers(ackRecords().get(0)))).containsExactly("k1", "k2");
        List<ILoggingEvent> warnings = logged(Level.WARN);
        assertThat(warnings).hasSize(4);
        assertThat(warnings.get(0).getFormattedMessage())
                .contains(COMMANDS.topic() + "-0 offset 1").contains("format 222");
        assertThat(warnings.get(1).getFormattedMessage()).contains("offset 2").contains("JSON command of version 1");
        assertThat(warnings.get(2).getFormattedMessage()).contains("offset 3").contains("key must not be empty");
        assertThat(warnings.get(3).getFormattedMessage()).contains("offset 4").contains("unknown kind 9");
        assertThat(committed()).contains(6L);

        // and it goes on
        deliver(batch("n0", 1, put("k3", "{}")));
        writer.runOnce();
        assertThat(store.get("k3")).isPresent();
        assertThat(writer.healthy()).isTrue();
        assertThat(committed()).contains(7L);
    }

    /**
     * Defects of the first replica writer: a command with an empty key, or with a null among its replicas, threw
     * past its decode check (IllegalArgumentException, NullPointerException) and stopped its loop for good. The
     * binary format cannot carry a null replica; the JSON commands of format 1 that could are refused by format.
     */
    @Test
    void aCommandWithAnEmptyKeyOrANullReplicaIsSkippedAndTheWriterGoesOnStoring() {
        startWriter(true);
        deliver(BadCommandRecords.putWithEmptyKey());
        deliver("{\"key\":\"k0\",\"event\":{},\"coordinator\":\"n0\",\"attempt\":1,\"ackPartition\":0,\"replicas\":[null]}"
                .getBytes(StandardCharsets.UTF_8));
        deliver("{\"key\":\"\",\"event\":{},\"coordinator\":\"n0\",\"attempt\":1,\"ackPartition\":0,\"replicas\":[\"n1\"]}"
                .getBytes(StandardCharsets.UTF_8));
        writer.runOnce();
        assertThat(writer.healthy()).isTrue();
        assertThat(metrics.malformedCommandCount()).isEqualTo(3);

        deliver(batch("n0", 0, put("k1", "{}")));
        writer.runOnce();
        assertThat(store.get("k1")).isPresent();
        assertThat(keys(answers(ackRecords().get(0)))).containsExactly("k1");
        assertThat(writer.healthy()).isTrue();
    }

    /**
     * Commands come in transactions, each ended by a commit marker that a poll skips without returning a record;
     * the committed offset must pass it, or the group stays one behind the command topic's end for good.
     */
    @Test
    void theCommittedOffsetPassesATransactionMarkerSkippedAfterTheLastCommand() {
        startWriter(true);
        deliver(batch("n0", 1, put("k1", "{}")));
        writer.runOnce();
        assertThat(committed()).contains(1L);

        consumer.seek(COMMANDS, 2); // the marker at offset 1, skipped by the next poll
        writer.runOnce();
        assertThat(committed()).contains(2L);
        assertThat(ackRecords()).hasSize(1);
    }

    @Test
    void aDifferentEventUnderAStoredKeyIsAConflictAndTheStoredEventStays() {
        startWriter(true);
        deliver(batch("n0", 0, put("k1", "{\"v\":1}")));
        writer.runOnce();
        deliver(batch("n2", 0, put("k1", "{\"v\":2}"), put("k2", "{}")));
        deliver(batch("n0", 0, put("k1", "{\"v\":1}"))); // re-delivery: same bytes

        writer.runOnce();

        assertThat(store.get("k1")).get().isEqualTo("{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(metrics.conflictCount()).isEqualTo(1);
        AckBatch second = answers(ackRecords().get(1));
        assertThat(second.acks()).containsExactly(Ack.conflict("k1", NODE), Ack.ok("k2", NODE), Ack.ok("k1", NODE));
    }

    @Test
    void offsetsAreCommittedOnlyOnceTheBrokerHasEveryAckRecordOfThePoll() {
        startWriter(false);
        deliver(batch("n0", 1, put("k1", "{}")));
        deliver(batch("n0", 2, put("k2", "{}")));

        writer.runOnce();
        assertThat(producer.history()).hasSize(2);
        assertThat(committed()).isEmpty();

        assertThat(producer.completeNext()).isTrue();
        writer.runOnce();
        assertThat(committed()).isEmpty();

        // a later poll does not overtake the one still waiting: commits are positions
        deliver(batch("n0", 1, put("k3", "{}")));
        writer.runOnce();
        assertThat(committed()).isEmpty();

        assertThat(producer.completeNext()).isTrue();
        writer.runOnce();
        assertThat(committed()).contains(2L);

        assertThat(producer.completeNext()).isTrue();
        writer.runOnce();
        assertThat(committed()).contains(3L);
    }

    @Test
    void answersTheBrokerRefusedAreReadAgainAndAnsweredAgain() {
        startWriter(false);
        deliver(batch("n0", 1, put("k1", "{}")));
        writer.runOnce();
        assertThat(producer.errorNext(new KafkaException("ack topic unavailable"))).isTrue();

        writer.runOnce();

        assertThat(writer.healthy()).isFalse();
        assertThat(writer.failure()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("answers not delivered").contains("ack topic unavailable");
        assertThat(consumer.position(COMMANDS)).isZero();
        assertThat(committed()).isEmpty();

        consumer.addRecord(new ConsumerRecord<>(COMMANDS.topic(), 0, 0, null,
                CommandFormat.encode(batch("n0", 1, put("k1", "{}")))));
        writer.runOnce();
        assertThat(producer.completeNext()).isTrue();
        writer.runOnce();

        assertThat(writer.healthy()).isTrue();
        assertThat(committed()).contains(1L);
        assertThat(answers(producer.history().get(1)).acks()).containsExactly(Ack.ok("k1", NODE));
    }

    @Test
    void aFailingPollMarksTheWriterFailingBacksOffAndRecoversOnTheNextGoodPoll() {
        startWriter(true);
        consumer.setPollException(new KafkaException("broker unreachable"));
        writer.runOnce();

        assertThat(writer.healthy()).isFalse();
        assertThat(writer.failure()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("polling " + COMMANDS.topic()).contains("broker unreachable");
        consumer.setPollException(new KafkaException("broker still unreachable"));
        writer.runOnce();
        assertThat(writer.failure()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("broker still unreachable");
        assertThat(sleeps).containsExactly(100L, 200L);

        deliver(batch("n0", 1, put("k1", "{}")));
        writer.runOnce();

        assertThat(writer.healthy()).isTrue();
        assertThat(writer.failure()).isEmpty();
        assertThat(store.get("k1")).isPresent();
        assertThat(logged(Level.ERROR)).hasSize(1); // once per streak
        assertThat(logged(Level.ERROR).get(0).getFormattedMessage()).contains("broker unreachable");
        assertThat(logged(Level.INFO)).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("recovered"));

        consumer.setPollException(new KafkaException("again"));
        writer.runOnce();
        assertThat(sleeps).containsExactly(100L, 200L, 100L); // a new streak starts from the first back-off
        assertThat(logged(Level.ERROR)).hasSize(2);
    }

    @Test
    void theBackOffDoublesUpToTenSeconds() {
        startWriter(true);
        for (int i = 0; i < 10; i++) {
            consumer.setPollException(new KafkaException("down"));
            writer.runOnce();
        }
        assertThat(sleeps).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 10_000L, 10_000L, 10_000L);
    }

    /**
     * A failed offset commit (the group coordinator moving with a lost broker) stops nothing: the writer keeps
     * answering without back-off and stays healthy (no LEAVING), and the next turn commits again.
     */
    @Test
    void aFailedCommitDoesNotStopTheWriterAndIsRetriedAtTheNextTurn() {
        startWriter(true);
        consumer.failCommits = true;
        deliver(batch("n0", 1, put("k1", "{}")));

        writer.runOnce();

        assertThat(writer.healthy()).isTrue();
        assertThat(writer.failure()).isEmpty();
        assertThat(committed()).isEmpty();
        assertThat(sleeps).as("no back-off").isEmpty();

        deliver(batch("n0", 2, put("k2", "{}")));
        writer.runOnce();
        assertThat(ackRecords()).as("commands are still answered while commits fail").hasSize(2);

        consumer.failCommits = false;
        writer.runOnce();

        assertThat(writer.healthy()).isTrue();
        assertThat(committed()).contains(2L);
        assertThat(ackRecords()).hasSize(2); // nothing answered twice: only the commit was retried
    }

    @Test
    void aStoreThatFailsAnswersErrorForEveryPutOfThePoll() {
        startWriter(true);
        store.close();
        deliver(batch("n0", 1, put("k1", "{}"), put("k2", "{}")));
        deliver(batch("n2", 4, put("k3", "{}")));

        writer.runOnce();

        List<ProducerRecord<byte[], byte[]>> acks = ackRecords();
        assertThat(acks).hasSize(2);
        List<Ack> all = acks.stream().flatMap(r -> answers(r).acks().stream()).toList();
        assertThat(all).extracting(Ack::key).containsExactly("k1", "k2", "k3");
        assertThat(all).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Ack.Status.ERROR);
            assertThat(a.message()).contains("closed");
        });
        assertThat(writer.healthy()).isTrue(); // the loop runs; the store's failure is the store's to report
        assertThat(committed()).contains(2L);
    }

    @Test
    void repliesOnTheOwnCommandTopicGoToTheListener() {
        startWriter(true);
        AckBatch answers = new AckBatch("n2", List.of(Ack.ok("k1", "n2"), Ack.conflict("k2", "n2")));
        deliver(new ReplyBatch(answers));

        writer.runOnce();

        assertThat(replies).containsExactly(answers);
        assertThat(storeWrites).isZero();
        assertThat(producer.history()).isEmpty();
        assertThat(committed()).contains(1L);
    }

    @Test
    void closingAnUnstartedWriterFlushesTheAnswersAndCommitsThem() {
        startWriter(false);
        deliver(batch("n0", 1, put("k1", "{}")));
        writer.runOnce();
        assertThat(committed()).isEmpty();

        writer.close();

        assertThat(producer.flushed()).isTrue();
        assertThat(consumer.syncCommits).containsExactly(Map.of(COMMANDS, new OffsetAndMetadata(1)));
        assertThat(consumer.closed()).isTrue();
        assertThat(writer.healthy()).isFalse();
    }

    @Test
    void planUpdatesApplyAfterThePutsOfTheSamePollAndOnlyWithALargerEpoch() {
        startWriter(true);
        List<String> repaired = List.of(NODE, "n2", "n5");
        // one poll: a put, then a repair's plan update for it, a stale one, and one for a key this node lacks
        deliver(batch("n0", 2, put("k1", "{\"a\":1}")));
        deliver(new MetaUpdateBatch("n2", List.of(new MetaUpdate("k1", repaired, 3, 20),
                new MetaUpdate("k1", List.of("n9"), 3, 19), new MetaUpdate("k-absent", repaired, 3, 20))));

        writer.runOnce();

        assertThat(store.meta("k1")).get().satisfies(m -> {
            assertThat(m.replicas()).isEqualTo(repaired);
            assertThat(m.epoch()).isEqualTo(20);
            assertThat(m.coordinator()).isEqualTo("n2");
        });
        assertThat(store.get("k-absent")).isEmpty();
        assertThat(store.meta("k-absent")).isEmpty();
        assertThat(ackRecords()).hasSize(1); // the put is answered; plan updates are not
        assertThat(keys(answers(ackRecords().get(0)))).containsExactly("k1");
        assertThat(store.keptDigests(null, null).values().iterator().next()).containsKeys("n5").doesNotContainKey("n0");

        deliver(new MetaUpdateBatch("n3", List.of(new MetaUpdate("k1", List.of("n0"), 3, 20))));
        writer.runOnce();
        assertThat(store.meta("k1").map(ReplicaMeta::replicas)).contains(repaired);
        assertThat(writer.healthy()).isTrue();
    }

    @Test
    void aFailedMarkerMakesTheCopyAFailedCopyAndADuplicatePutDoesNotClearIt() {
        startWriter(true);
        // one poll: the put, then its coordinator's FAILED marker; and a marker for a put still on its way
        deliver(batch("n0", 2, put("k1", "{\"a\":1}")));
        deliver(new FailedCopies("n0", List.of("k1", "k2")));
        writer.runOnce();

        assertThat(store.isFailed("k1")).isTrue();
        assertThat(store.get("k1")).as("a FAILED copy is not read").isEmpty();
        assertThat(ackRecords()).hasSize(1); // the put is answered; the marker is not
        assertThat(keys(answers(ackRecords().get(0)))).containsExactly("k1");

        // the same put again (a resend, a replay), and the put the second marker overtook
        deliver(batch("n0", 2, put("k1", "{\"a\":1}"), put("k2", "{\"b\":2}")));
        writer.runOnce();

        assertThat(answers(ackRecords().get(1)).acks()).extracting(Ack::status).containsOnly(Ack.Status.OK);
        assertThat(store.get("k1")).as("write-once: the marker stays").isEmpty();
        assertThat(store.get("k2")).as("stored after its marker, as a FAILED copy").isEmpty();
        assertThat(store.failedCopies(null, null, 10)).containsExactly("k1", "k2");
        assertThat(writer.healthy()).isTrue();
    }

    /** A put resumed after an aborted FAILED outcome COMMITTED: its coordinator takes the marker back. */
    @Test
    void aCommittedMarkerTakesBackAFailedMarkOfThatKey() {
        startWriter(true);
        deliver(batch("n0", 2, put("k1", "{\"a\":1}")));
        deliver(new FailedCopies("n0", List.of("k1")));
        writer.runOnce();
        assertThat(store.get("k1")).isEmpty();

        deliver(new FailedCopies("n1", List.of("k1"), false));
        writer.runOnce();

        assertThat(store.isFailed("k1")).isFalse();
        assertThat(store.get("k1")).as("readable as data again").isPresent();
        assertThat(writer.healthy()).isTrue();
    }

    @Test
    void theLoopRunsOnItsThreadAndCloseEndsIt() {
        MockProducer<byte[], byte[]> sends = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ReplicaWriter running = new ReplicaWriter(KAFKA, store, consumer, sends, metrics, replies::add);
        consumer.updateBeginningOffsets(Map.of(COMMANDS, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(COMMANDS));
            IntStream.range(0, 3).forEach(i -> deliver(batch("n0", 1, put("k" + i, "{}"))));
        });
        running.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> running.healthy() && sends.history().stream()
                .flatMap(r -> answers(r).acks().stream()).count() == 3);

        running.close();

        assertThat(consumer.closed()).isTrue();
        assertThat(running.healthy()).isFalse();
        assertThat(store.get("k2")).isPresent();
    }

    /** A restarted writer takes its command topic back at once instead of waiting out its dead incarnation's session. */
    @Test
    void theCommandConsumerIsAStaticMemberOfItsNodesOwnGroup() {
        Map<String, Object> c = ReplicaWriter.consumerConfig(KAFKA);
        assertThat(c.get(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG)).isEqualTo(TOPICS.replicaGroup(NODE));
        assertThat(c.get(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                .isEqualTo(TOPICS.replicaGroup(NODE));
    }
}
