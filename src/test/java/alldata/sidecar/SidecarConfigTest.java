package alldata.sidecar;

import alldata.core.CommitLevel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarConfigTest {
    private static final Map<String, String> MIN = Map.of("node.id", "n1", "kafka.bootstrap.servers", "localhost:1");

    @Test
    void defaultsApplyToEveryUnsetKey() {
        SidecarConfig c = SidecarConfig.from(MIN, Map.of());
        assertThat(c.commitLevel()).isEqualTo(CommitLevel.QUORUM);
        assertThat(c.strategy().replicationFactor()).isEqualTo(1);
        assertThat(c.replicaTimeoutMs()).isEqualTo(5000);
        assertThat(c.maxEventBytes()).isEqualTo(1 << 20);
        assertThat(c.httpBind()).isEqualTo("127.0.0.1");
        assertThat(c.topics().ingest()).isEqualTo("alldata.ingest");
        assertThat(c.dataDir()).isEqualTo(Path.of("./data/n1"));
    }

    @Test
    void kafkaKeysPassThroughWithoutThePrefix() {
        SidecarConfig c = SidecarConfig.from(Map.of("node.id", "n1", "kafka.bootstrap.servers", "b:1",
                "kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "PLAIN"), Map.of());
        assertThat(c.kafkaClientConfig()).containsEntry("bootstrap.servers", "b:1")
                .containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void environmentOverridesTheFile() {
        SidecarConfig c = SidecarConfig.from(MIN, Map.of("ALLDATA_NODE_ID", "n2", "ALLDATA_REPLICATION_FACTOR", "3",
                "ALLDATA_KAFKA_BOOTSTRAP_SERVERS", "env:9", "ALLDATA_COMMIT_LEVEL", "all"));
        assertThat(c.nodeId()).isEqualTo("n2");
        assertThat(c.strategy().replicationFactor()).isEqualTo(3);
        assertThat(c.bootstrapServers()).isEqualTo("env:9");
        assertThat(c.commitLevel()).isEqualTo(CommitLevel.ALL);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> SidecarConfig.from(Map.of("kafka.bootstrap.servers", "b:1"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node.id is not set");
        assertThatThrownBy(() -> SidecarConfig.from(Map.of("node.id", "n"), Map.of()))
                .hasMessageContaining("kafka.bootstrap.servers");
        assertThatThrownBy(() -> SidecarConfig.from(with("commit.level", "MOST"), Map.of()))
                .hasMessageContaining("commit.level").hasMessageContaining("MOST");
        assertThatThrownBy(() -> SidecarConfig.from(with("replica.timeout.ms", "soon"), Map.of()))
                .hasMessageContaining("replica.timeout.ms");
        assertThatThrownBy(() -> SidecarConfig.from(with("replication.factor", "0"), Map.of()))
                .hasMessageContaining("replicationFactor");
        assertThatThrownBy(() -> SidecarConfig.from(with("node.id", "bad id!"), Map.of()))
                .hasMessageContaining("node.id");
        assertThatThrownBy(() -> SidecarConfig.from(with("processing.guarantee", "maybe"), Map.of()))
                .hasMessageContaining("processing.guarantee");
    }

    @Test
    void loadsTheShippedConfigFiles(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"node-1", "node-2", "node-3", "production"}) {
            SidecarConfig c = SidecarConfig.load(Path.of("config", name + ".properties"));
            assertThat(c.nodeId()).isNotBlank();
        }
        Path f = Files.writeString(dir.resolve("x.properties"), "node.id=x\nkafka.bootstrap.servers=h:1\n");
        assertThat(SidecarConfig.load(f).nodeId()).isEqualTo("x");
    }

    private static Map<String, String> with(String k, String v) {
        Map<String, String> m = new java.util.HashMap<>(MIN);
        m.put(k, v);
        return m;
    }
}
