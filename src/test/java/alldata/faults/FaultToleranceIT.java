package alldata.faults;

import alldata.dev.EmbeddedKafka;
import alldata.protocol.CommandFormat;
import alldata.protocol.MemberRecord;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.ReplyTo;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.testing.Tmpfs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash, restart and fault scenarios with sidecars as separate JVMs (SIGKILL-able) on an embedded
 * broker. Each checks the {@link Ledger}: every valid event COMMITTED on as many nodes as its level
 * required, and exactly one outcome per ingest record (the default guarantee is {@code exactly_once_v2}).
 */
class FaultToleranceIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final int NODES = 4;
    /** Every timeout at its default: a scenario changes a setting only to test that setting. */
    private static final Map<String, String> DEFAULTS = Map.of(
            "replication.factor", "3",
            "replication.other.zone.replicas", "2",
            "commit.level", "QUORUM",
            "topic.ingest.partitions", "4");

    /** Kept when a scenario fails: it holds every node's log ({@code node-<i>.log}) and data. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private EmbeddedKafka kafka;
    private ProcessCluster cluster;

    @BeforeEach
    void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    }

    /** Starts {@code nodes} sidecar processes with {@code config} and waits until all are ready. */
    private void startCluster(int nodes, Map<String, String> config) throws Exception {
        cluster = new ProcessCluster(kafka.bootstrapServers(), dir, nodes, config).startAll();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static boolean valid(byte[] value) {
        return value != null && new String(value, StandardCharsets.UTF_8).startsWith("{\"load\":");
    }

    /** Produces {@code count} valid events at about {@code perSecond}, running {@code fault} after {@code faultAfter} events. */
    private void load(int count, int perSecond, int faultAfter, Fault fault) throws Exception {
        load(count, perSecond, Map.of(faultAfter, fault), Map.of("acks", "all", "linger.ms", 5, "delivery.timeout.ms", 120_000));
    }

    /**
     * Produces {@code count} valid events at about {@code perSecond} with a producer of {@code producerConfig},
     * running each fault of {@code faults} before the event of its index.
     */
    private void load(int count, int perSecond, Map<Integer, Fault> faults, Map<String, Object> producerConfig) throws Exception {
        Map<String, Object> config = new HashMap<>(producerConfig);
        config.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Fault fault = faults.get(i);
                if (fault != null) {
                    fault.run();
                }
                p.send(new ProducerRecord<>(TOPICS.ingest(), ("{\"load\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
                long due = start + (long) (i * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the load generator, not waiting for an outcome
                }
            }
            p.flush();
        }
    }

    interface Fault {
        void run() throws Exception;
    }

    /** Waits until every valid ingest record has a COMMITTED outcome, then checks the ledger (exactly one outcome each). */
    private Ledger settle(String scenario) throws Exception {
        return settle(scenario, Duration.ofSeconds(180), true);
    }

    private Ledger settle(String scenario, Duration within, boolean exactlyOnce) throws Exception {
        return ScenarioCheck.settle(scenario, kafka.bootstrapServers(), TOPICS, cluster, FaultToleranceIT::valid, within,
                exactlyOnce);
    }

    @Test
    void sigkillOfACoordinatingSidecarLosesNothing() throws Exception {
        startCluster(NODES, DEFAULTS);
        load(1_200, 100, 400, () -> cluster.kill(1));
        // the dead node stays dead: its ingest partitions and pending puts are taken over by the others
        Ledger l = settle("a: SIGKILL of a coordinator");
        assertThat(l.valid()).isEqualTo(1_200);
    }

    @Test
    void sigkilledReplicaIsReplacedAndCatchesUpAfterRestart() throws Exception {
        startCluster(NODES, DEFAULTS);
        load(1_200, 100, 400, () -> cluster.kill(2));
        cluster.start(2);
        cluster.awaitHealthy(2);
        settle("b: SIGKILL of a replica node, then restart");
        // restarted, it reads its command topic to the end (writes are write-once, so nothing is stored twice)
        String group = "alldata-replica-" + ProcessCluster.id(2);
        TopicPartition commands = new TopicPartition(TOPICS.commands(ProcessCluster.id(2)), 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            await("node-2 catches up").atMost(Duration.ofSeconds(120)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                ListOffsetsResult.ListOffsetsResultInfo end = admin.listOffsets(Map.of(commands, OffsetSpec.latest()))
                        .partitionResult(commands).get(30, TimeUnit.SECONDS);
                return committed.get(commands) != null && committed.get(commands).offset() == end.offset();
            });
        }
    }

    @Test
    void brokerRestartMidLoadResolvesEveryPut() throws Exception {
        startCluster(NODES, DEFAULTS);
        load(1_000, 100, 400, () -> kafka.restart());
        settle("c: broker restart mid-load");
    }

    @Test
    void cleanShutdownUnderLoadLeavesAndStaysAMember() throws Exception {
        startCluster(NODES, DEFAULTS);
        load(1_000, 100, 400, () -> cluster.stop(3));
        // read before settle(): its verify step starts node-3 again, which heartbeats UP
        List<ConsumerRecord<byte[], byte[]>> node3 = membershipLog(3);
        // a stopped node is down, not gone (repair waits repair.delay.ms): LEAVING last, no tombstone
        assertThat(node3.get(node3.size() - 1).value()).as("no tombstone").isNotNull();
        assertThat(Wire.decode(node3.get(node3.size() - 1).value(), MemberRecord.class).state()).isEqualTo(MemberRecord.State.LEAVING);
        settle("e: clean shutdown under load");
    }

    @Test
    void fullDiskOnOneNodeFailsItsReplicasWhichAreReplacedAndHealthSaysWhy() throws Exception {
        startCluster(NODES, DEFAULTS);
        // node-4's replica store on a small tmpfs (skipped where a tmpfs cannot be mounted)
        cluster.stop(4);
        try (Tmpfs disk = Tmpfs.mount(dir.resolve(ProcessCluster.id(4)).resolve("replicas"), 32)) {
            cluster.start(4);
            cluster.awaitHealthy(4);
            load(1_000, 100, 300, disk::fill);
            Ledger l = settle("f: full disk on one node");
            assertThat(l.valid()).isEqualTo(1_000);
            String health = cluster.healthDetail(4);
            assertThat(health).startsWith("503").contains("not ready: replica store: ").contains("No space left on device");
            // unready, but alive: a restart would free no disk space
            assertThat(cluster.get(4, "/health/live").statusCode()).isEqualTo(200);
            double replaced = 0;
            for (int i = 1; i <= NODES; i++) {
                replaced += metric(i, "alldata_replicas_replaced_total");
            }
            assertThat(replaced).as("replicas re-placed after node-4's store failed").isPositive();
            // node-4 still runs, but no longer offers itself for replicas
            assertThat(lastMemberRecord(4)).as("node-4's membership record").isNotNull()
                    .extracting(MemberRecord::state).isEqualTo(MemberRecord.State.LEAVING);
            cluster.stop(4); // before the unmount
        }
    }

    /** Node {@code i}'s records in the membership topic, oldest first. */
    private List<ConsumerRecord<byte[], byte[]>> membershipLog(int i) {
        return alldata.client.TopicReader.readToEnd(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                        TOPICS.membership(), Duration.ofSeconds(60)).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(ProcessCluster.id(i))).toList();
    }

    /** Node {@code i}'s newest record in the membership topic ({@code null} for a tombstone). */
    private MemberRecord lastMemberRecord(int i) {
        List<ConsumerRecord<byte[], byte[]>> mine = membershipLog(i);
        byte[] last = mine.get(mine.size() - 1).value();
        return last == null ? null : Wire.decode(last, MemberRecord.class);
    }

    /** Sum of a Prometheus counter's series on node {@code i}. */
    private double metric(int i, String name) throws Exception {
        return cluster.metrics(i).lines().filter(line -> line.startsWith(name))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void malformedOversizeAndConflictingRecordsNeverStallValidLoad() throws Exception {
        startCluster(NODES, DEFAULTS);
        Set<String> badCorrelations = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
                "acks", "all", "max.request.size", 4 * 1024 * 1024), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 300; i++) {
                p.send(new ProducerRecord<>(TOPICS.ingest(), ("{\"load\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
                String corr = "bad-" + i;
                byte[] bad = switch (i % 4) {
                    case 0 -> "not json at all".getBytes(StandardCharsets.UTF_8);
                    case 1 -> "[\"an\",\"array\"]".getBytes(StandardCharsets.UTF_8);
                    case 2 -> ("{\"big\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
                    default -> "{\"truncated\":".getBytes(StandardCharsets.UTF_8);
                };
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TOPICS.ingest(), corr.getBytes(StandardCharsets.UTF_8), bad);
                p.send(r);
                badCorrelations.add(corr);
            }
            p.flush();
        }
        Ledger l = settle("d: malformed, oversize and conflicting records mixed into valid load");
        assertThat(l.valid()).isEqualTo(300);
        assertThat(l.failed()).isEqualTo(badCorrelations.size());

        // a conflicting write: a forged _put with different bytes for a key a node already holds
        Map<String, byte[]> held = alldata.cli.VerifyAccess.readAll(cluster.http(4));
        String key = held.keySet().iterator().next();
        byte[] forged = CommandFormat.encode(new PutBatch("intruder", new ReplyTo.AckPartition(0), List.of(
                new PutCommand(key, "{\"forged\":true}".getBytes(StandardCharsets.UTF_8), 1, 1, List.of(ProcessCluster.id(4))))));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(TOPICS.commands(ProcessCluster.id(4)), key.getBytes(StandardCharsets.US_ASCII), forged)).get();
        }
        await("conflict counted").atMost(Duration.ofSeconds(60)).until(() -> metric(4, "alldata_replicas_conflicts_total") > 0);
        assertThat(alldata.cli.VerifyAccess.readAll(cluster.http(4)).get(key)).as("stored event untouched").isEqualTo(held.get(key));
    }
}
