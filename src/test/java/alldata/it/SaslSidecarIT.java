package alldata.it;

import alldata.client.AllDataClient;
import alldata.core.CommitLevel;
import alldata.dev.EmbeddedKafka;
import alldata.dev.LocalCluster;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.sidecar.Sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** A sidecar against a broker whose client listener requires SASL/PLAIN. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaslSidecarIT {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"%s\" password=\"%s\";";

    private Path dir;
    private EmbeddedKafka kafka;
    private String saslServers;

    @BeforeAll
    void startBroker(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tempDir) throws Exception {
        dir = tempDir;
        int saslPort;
        try (ServerSocket s = new ServerSocket(0)) {
            saslPort = s.getLocalPort();
        }
        saslServers = "localhost:" + saslPort;
        Map<String, String> broker = new HashMap<>();
        // PLAINTEXT stays for the broker itself; clients are given only the SASL listener
        broker.put("listeners", "PLAINTEXT://localhost:${port},SASL_PLAINTEXT://localhost:" + saslPort
                + ",CONTROLLER://localhost:${controllerPort}");
        broker.put("advertised.listeners", "PLAINTEXT://localhost:${port},SASL_PLAINTEXT://localhost:" + saslPort);
        broker.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        broker.put("sasl.enabled.mechanisms", "PLAIN");
        broker.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\" "
                        + "user_admin=\"admin-secret\" user_alldata=\"alldata-secret\";");
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, broker);
    }

    @AfterAll
    void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Map<String, String> sasl(String user, String password) {
        return Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "PLAIN",
                "kafka.sasl.jaas.config", String.format(JAAS, user, password));
    }

    @Test
    void worksWithCredentialsFromKafkaConfig() throws Exception {
        Map<String, String> extra = new HashMap<>(sasl("alldata", "alldata-secret"));
        extra.put("topic.prefix", "sasl.");
        try (LocalCluster cluster = LocalCluster.startOn(saslServers, dir.resolve("ok"), 1, 0, 1, CommitLevel.ONE, 2, extra)) {
            Sidecar node = cluster.sidecars().get(0);
            await().atMost(Duration.ofSeconds(60)).until(() -> node.health().healthy());
            Map<String, Object> client = new HashMap<>();
            client.put("bootstrap.servers", saslServers);
            sasl("alldata", "alldata-secret").forEach((k, v) -> client.put(k.substring("kafka.".length()), v));
            try (AllDataClient c = new AllDataClient(client, new Topics("sasl."), Duration.ofSeconds(60))) {
                PutOutcome o = c.put("{\"secure\":true}".getBytes(StandardCharsets.UTF_8), CommitLevel.ONE).get(60, TimeUnit.SECONDS);
                assertThat(o.committed()).isTrue();
                assertThat(node.store().get(o.key())).isPresent();
            }
        }
    }

    @Test
    void failsFastWithAClearMessageWithoutCredentials() {
        Map<String, String> extra = Map.of("topic.prefix", "nocreds.");
        assertThatThrownBy(() -> Sidecar.start(LocalCluster.nodeConfig(dir.resolve("none"), saslServers, 1, 1, 0, 1,
                CommitLevel.ONE, 2, extra)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach Kafka at " + saslServers)
                .hasMessageContaining("kafka.security.protocol");
    }

    @Test
    void wrongPasswordIsReportedAsRefusedCredentials() {
        Map<String, String> extra = new HashMap<>(sasl("alldata", "wrong"));
        extra.put("topic.prefix", "badcreds.");
        assertThatThrownBy(() -> Sidecar.start(LocalCluster.nodeConfig(dir.resolve("bad"), saslServers, 1, 1, 0, 1,
                CommitLevel.ONE, 2, extra)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused this sidecar's credentials")
                .hasMessageContaining("kafka.sasl.jaas.config");
    }
}
