package alldata.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.cli.AllDataCli;
import alldata.cli.VerifyAccess;
import alldata.client.ClusterMembers;
import alldata.core.IntervalDigest;
import alldata.dev.EmbeddedKafka;
import alldata.protocol.MembershipTable;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.store.StoreSurgery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repair with sidecars as separate JVMs on an embedded broker: a lost node and a wiped node repaired without
 * any manual step besides dropping the lost one; a decommission; and {@code alldata repair check} finding an
 * event deleted by hand.
 */
class RepairIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final int NODES = 4;
    private static final String[] ZONES = {"a", "b", "c", "a"};
    /** Every timeout at its default but repair's, the settings under test. */
    private static final Map<String, String> SETTINGS = Map.of(
            "replication.factor", "3",
            "replication.other.zone.replicas", "2",
            "commit.level", "QUORUM",
            "topic.ingest.partitions", "4",
            "repair.delay.ms", "5000",
            "repair.max.events.per.s", "2000");
    /** A stop for surgery must not count as a loss: the node is down longer than 5 s on a busy machine. */
    private static final Map<String, String> PATIENT = Map.of("repair.delay.ms", "600000");

    /** Kept when a scenario fails: it holds every node's log ({@code node-<i>.log}) and data. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private EmbeddedKafka kafka;
    private ProcessCluster cluster;

    @BeforeEach
    void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    }

    private void startCluster(Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.putAll(overrides);
        cluster = new ProcessCluster(kafka.bootstrapServers(), dir, NODES, settings, ZONES).startAll();
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

    /** Produces {@code count} events at about {@code perSecond}, event {@code i} with timestamp {@code time(i)}. */
    private void load(int count, int perSecond, LongUnaryOperator time) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
                kafka.bootstrapServers(), "acks", "all", "linger.ms", 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(TOPICS.ingest(), null, time.applyAsLong(i), null,
                        ("{\"load\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
                long wait = start + (long) (i * 1e9 / perSecond) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the load generator, not waiting for an outcome
                }
            }
            p.flush();
        }
    }

    private void load(int count, int perSecond) throws Exception {
        load(count, perSecond, i -> System.currentTimeMillis());
    }

    /** The COMMITTED events and the bytes their producer sent: key → bytes. */
    private Map<String, byte[]> committed() {
        Map<String, Object> c = Map.of("bootstrap.servers", kafka.bootstrapServers());
        Map<String, byte[]> ingest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : alldata.client.TopicReader.readToEnd(c, TOPICS.ingest(), Duration.ofMinutes(2))) {
            ingest.put(r.partition() + "-" + r.offset(), r.value());
        }
        Map<String, byte[]> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : alldata.client.TopicReader.readToEnd(c, TOPICS.results(), Duration.ofMinutes(2))) {
            PutOutcome o = Wire.decode(r.value(), PutOutcome.class);
            if (o.committed()) {
                out.put(o.key(), ingest.get(o.ingest().partition() + "-" + o.ingest().offset()));
            }
        }
        return out;
    }

    private Map<String, byte[]> awaitCommitted(int count) {
        await("every event committed").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                .until(() -> committed().size() >= count);
        Map<String, byte[]> c = committed();
        assertThat(c).hasSize(count);
        return c;
    }

    /** The committed events some of nodes {@code nodes} lack or hold with other bytes (key → node). */
    private Map<String, String> notOn(Map<String, byte[]> events, int... nodes) throws Exception {
        Map<String, String> wrong = new TreeMap<>();
        for (int i : nodes) {
            Map<String, byte[]> held = VerifyAccess.readAll(cluster.http(i));
            events.forEach((key, bytes) -> {
                byte[] h = held.get(key);
                if (h == null || !new String(h, StandardCharsets.UTF_8).equals(new String(bytes, StandardCharsets.UTF_8))) {
                    wrong.putIfAbsent(key, ProcessCluster.id(i));
                }
            });
        }
        return wrong;
    }

    private void awaitOn(Map<String, byte[]> events, Duration within, int... nodes) {
        long start = System.nanoTime();
        await("every committed event byte-identical on " + java.util.Arrays.toString(nodes)).atMost(within)
                .pollInterval(Duration.ofSeconds(5)).until(() -> {
                    Map<String, String> wrong = notOn(events, nodes);
                    System.out.println("REPAIR: " + wrong.size() + " events not yet on every node, after "
                            + (System.nanoTime() - start) / 1_000_000_000 + " s");
                    return wrong.isEmpty();
                });
    }

    /** Waits until every event is on at least {@code copies} nodes, byte-identical. */
    private void awaitReplicated(Map<String, byte[]> events, int copies) {
        await("every event on " + copies + " nodes").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    Map<String, Integer> count = new HashMap<>();
                    for (int i = 1; i <= NODES; i++) {
                        Map<String, byte[]> held = VerifyAccess.readAll(cluster.http(i));
                        events.forEach((key, bytes) -> {
                            byte[] h = held.get(key);
                            if (h != null && new String(h, StandardCharsets.UTF_8).equals(new String(bytes, StandardCharsets.UTF_8))) {
                                count.merge(key, 1, Integer::sum);
                            }
                        });
                    }
                    return events.keySet().stream().allMatch(k -> count.getOrDefault(k, 0) >= copies);
                });
    }

    /** One {@code alldata} command in this JVM: its exit code and output. */
    private record Cli(int code, String out) {
    }

    private Cli cli(String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap");
        all.add(kafka.bootstrapServers());
        int code = AllDataCli.run(new PrintWriter(out, true), new PrintWriter(out, true), all.toArray(String[]::new));
        System.out.println("alldata " + String.join(" ", args) + " -> " + code + "\n" + out);
        return new Cli(code, out.toString());
    }

    private Cli verify(int... nodes) {
        List<String> args = new ArrayList<>(List.of("verify", "--strict"));
        for (int i : nodes) {
            args.add("--node");
            args.add(ProcessCluster.id(i) + "=" + cluster.http(i));
        }
        return cli(args.toArray(String[]::new));
    }

    @Test
    void aLostNodeAndAWipedNodeAreRepairedWithoutAManualStepBesidesTheDrop() throws Exception {
        startCluster(Map.of());
        load(6_000, 400);
        Map<String, byte[]> events = awaitCommitted(6_000);

        cluster.kill(4);
        cluster.wipe(4);
        assertThat(cli("peers", "drop", "node-4").code()).isZero();
        cluster.kill(1);
        cluster.wipe(1);
        cluster.start(1); // the same id on an empty disk: a new incarnation, refilled by repair
        cluster.awaitHealthy(1);

        awaitOn(events, Duration.ofMinutes(10), 1, 2, 3);
        assertThat(verify(1, 2, 3).code()).as("alldata verify --strict").isZero();
        await("repair idle").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                .until(() -> cli("repair", "status").code() == 0);
        assertThat(cluster.healthDetail(1)).startsWith("200");
    }

    @Test
    void decommissionLeavesEveryEventOnItsReplicationFactorWithoutTheNodeAndTombstonesIt() throws Exception {
        startCluster(Map.of());
        load(2_000, 400);
        Map<String, byte[]> events = awaitCommitted(2_000);

        Cli d = cli("decommission", "node-2", "--timeout", "600s");
        assertThat(d.code()).as(d.out()).isZero();
        assertThat(d.out()).contains("node-2 decommissioned");

        MembershipTable members = ClusterMembers.read(Map.of("bootstrap.servers", kafka.bootstrapServers()), TOPICS);
        assertThat(members.tombstoned("node-2")).as("node-2's tombstone in the membership topic").isTrue();
        assertThat(notOn(events, 1, 3, 4)).as("every event on nodes 1, 3 and 4").isEmpty();
        assertThat(verify(1, 3, 4).code()).isZero();
        assertThat(cluster.healthDetail(2)).startsWith("503").contains("decommissioned");
    }

    @Test
    void repairCheckFindsAndRepairsExactlyTheIntervalOfAnEventDeletedByHand() throws Exception {
        startCluster(PATIENT);
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        long midnight = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        int count = 1_200;
        load(count, 400, i -> midnight + i * (86_400_000L / count)); // a day's worth of event times
        Map<String, byte[]> events = awaitCommitted(count);
        awaitReplicated(events, 3); // replicas still in flight after the commit have landed

        List<String> onTwo = new ArrayList<>(new TreeMap<>(VerifyAccess.readAll(cluster.http(2))).keySet());
        String gone = onTwo.get(onTwo.size() / 2);
        String interval = IntervalDigest.intervalOf(gone);
        cluster.stop(2);
        StoreSurgery.deleteEvent(cluster.dataDir(2).resolve("replicas"), gone);
        cluster.start(2);
        cluster.awaitHealthy(2);
        assertThat(VerifyAccess.readAll(cluster.http(2))).doesNotContainKey(gone);

        String from = day.format(DateTimeFormatter.BASIC_ISO_DATE);
        String to = day.plusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE);
        Cli check = cli("repair", "check", "--from", from, "--to", to);
        assertThat(check.code()).as(check.out()).isZero();
        assertThat(check.out()).contains("compared 24 intervals x 6 node pairs").contains(interval).contains(gone)
                .contains("checked again: every pair agrees in every interval");
        for (String line : check.out().lines().filter(l -> l.startsWith("interval ")).toList()) {
            assertThat(line).as("only the interval of the deleted event differs").startsWith("interval " + interval + ",");
        }
        assertThat(check.out().lines().filter(l -> l.startsWith("  20")).map(l -> l.strip().split("[: ]")[0]).distinct())
                .as("only the deleted event is listed").containsOnly(gone);
        assertThat(new String(VerifyAccess.readAll(cluster.http(2)).get(gone), StandardCharsets.UTF_8))
                .isEqualTo(new String(events.get(gone), StandardCharsets.UTF_8));
        assertThat(cli("repair", "check", "--from", from, "--to", to, "--dry-run").out()).contains(": 0 differ");
    }
}
