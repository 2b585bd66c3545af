package alldata.it;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.cli.AllDataCli;
import alldata.client.ClusterMembers;
import alldata.dev.EmbeddedKafka;
import alldata.protocol.MemberRecord;
import alldata.protocol.MembershipTable;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.sidecar.Sidecar;
import alldata.sidecar.config.SidecarConfig;
import alldata.sidecar.membership.MembershipSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader of the membership topic on the embedded broker, over a topic that holds what used to make them
 * disagree: a node's record read after its tombstone though written before it, an unreadable record, a record
 * without a key. The sidecar's snapshot, the client's read and the CLI tools see the same members. Each test has
 * its own topics (a tool that writes, such as {@code peers drop}, changes nothing for the others).
 */
class MembershipReadersIT {
    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;

    private String prefix;
    private Topics topics;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    }

    @BeforeEach
    void writeTheTopic() throws Exception {
        prefix = "members" + UUID.randomUUID().toString().substring(0, 8) + ".";
        topics = new Topics(prefix);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.membership(), 1, (short) 1),
                    new NewTopic(topics.results(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
                kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            send(p, "node-1", Wire.encode(up("node-1", now)));
            send(p, "node-2", Wire.encode(up("node-2", now)));
            send(p, "node-2", null); // dropped
            send(p, "node-2", Wire.encode(up("node-2", now - 5_000))); // written by a late writer before the drop
            send(p, "node-3", "{not a member record".getBytes(StandardCharsets.UTF_8));
            p.send(new ProducerRecord<>(topics.membership(), null, Wire.encode(up("node-4", now))));
            p.flush();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private MemberRecord up(String node, long heartbeatMs) {
        // port 9 on the loopback: nothing answers, so HTTP tools fail at once
        return new MemberRecord(node, "a", "local", topics.commands(node), "127.0.0.1:9", MemberRecord.State.UP,
                heartbeatMs);
    }

    private void send(KafkaProducer<byte[], byte[]> p, String node, byte[] value) {
        p.send(new ProducerRecord<>(topics.membership(), node.getBytes(StandardCharsets.UTF_8), value));
    }

    private record Run(int code, String out, String err) {
    }

    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--bootstrap";
        all[args.length + 1] = kafka.bootstrapServers();
        all[args.length + 2] = "--topic-prefix";
        all[args.length + 3] = prefix;
        int code = AllDataCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theSidecarsSnapshotAndTheClientsReadAreTheSameTable() {
        MembershipTable client = ClusterMembers.read(Map.of("bootstrap.servers", kafka.bootstrapServers()), topics);
        SidecarConfig config = SidecarConfig.from(Map.of("node.id", "node-9", "topic.prefix", prefix,
                "kafka.bootstrap.servers", kafka.bootstrapServers()), Map.of());
        assertThat(MembershipSnapshot.read(Sidecar.kafkaClients(config), Duration.ofSeconds(60))).isEqualTo(client);
        assertThat(client.members()).containsOnlyKeys("node-1");
        assertThat(client.tombstoned("node-2")).isTrue();
    }

    @Test
    void peersListsOnlyTheMemberAndSkipsWhatItCannotRead() {
        Run r = cli("peers");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().skip(1)).singleElement().asString().startsWith("node-1 ").contains(" yes ");
    }

    @Test
    void peersDropRefusesATombstonedNode() {
        Run r = cli("peers", "drop", "node-2");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("unknown peer 'node-2': the known peers are node-1");
    }

    @Test
    void decommissionOfATombstonedNodeSaysItIsDoneAlready() {
        Run r = cli("decommission", "node-2", "--connect-timeout", "30s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("node-2 is decommissioned already");
    }

    @Test
    void verifyAndRepairStatusAskOnlyTheMember() {
        Run verify = cli("verify", "--timeout", "30s");
        assertThat(verify.out()).as(verify.err()).contains("nodes read:          [node-1]");
        Run status = cli("repair", "status", "--timeout", "30s");
        assertThat(status.out()).as(status.err()).contains("node-1").doesNotContain("node-2");
    }
}
