package alldata.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.CommitLevel;
import alldata.sidecar.health.LoopbackCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SidecarConfigTest {
    private static final Map<String, String> MIN = Map.of("node.id", "n1", "kafka.bootstrap.servers", "localhost:1");
    private static final String TABLE_BEGIN = "<!-- config-table:begin -->\n";
    private static final String TABLE_END = "<!-- config-table:end -->";

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
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.topicReplicationFactor()).isEmpty(); // decided from the brokers at start
    }

    @Test
    void everySettingParsesItsDefaultAndAnUnsetKeyGetsIt() {
        SidecarConfig c = SidecarConfig.from(MIN, Map.of());
        assertThat(SidecarConfig.settings()).hasSizeGreaterThanOrEqualTo(22).contains(SidecarConfig.MAX_EVENT_BYTES);
        for (Setting<?> s : SidecarConfig.settings()) {
            if (s.required()) {
                assertThat(s).isEqualTo(SidecarConfig.NODE_ID);
            } else if (s != SidecarConfig.DATA_DIR) { // its default names the node: checked above
                assertThat(c.get(s)).as(s.key()).isEqualTo(s.parse(s.defaultText()));
            }
        }
    }

    @Test
    void getIsTypedAndRefusesASettingThatIsNotDefinedHere() {
        SidecarConfig c = SidecarConfig.from(with("commit.level", "one"), Map.of());
        CommitLevel level = c.get(SidecarConfig.COMMIT_LEVEL);
        int max = c.get(SidecarConfig.MAX_EVENT_BYTES);
        assertThat(level).isEqualTo(CommitLevel.ONE);
        assertThat(max).isEqualTo(1_048_576);
        Setting<Integer> stray = Setting.ofInt("stray.key", 1, Setting.Range.atLeast(0), "Not a sidecar setting.");
        assertThatThrownBy(() -> c.get(stray)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stray.key");
    }

    @Test
    void unknownKeyIsRefusedNamingTheClosestKnownKey() {
        assertThatThrownBy(() -> SidecarConfig.from(with("replicaton.factor", "3"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown config key 'replicaton.factor' (did you mean 'replication.factor'?)");
        assertThatThrownBy(() -> SidecarConfig.from(with("kafak.bootstrap.servers", "b:1"), Map.of()))
                .hasMessage("unknown config key 'kafak.bootstrap.servers' (did you mean 'kafka.bootstrap.servers'?)");
    }

    @Test
    void unknownKeyWithNothingCloseGetsNoSuggestion() {
        assertThatThrownBy(() -> SidecarConfig.from(with("colour", "blue"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown config key 'colour'");
    }

    @Test
    void everyUnknownKeyIsNamedAndRefusedBeforeAnyOtherCheck() {
        Map<String, String> v = new HashMap<>(Map.of("node_id", "n1", "colour", "blue"));
        assertThatThrownBy(() -> SidecarConfig.from(v, Map.of()))
                .hasMessage("unknown config key 'colour'; unknown config key 'node_id' (did you mean 'node.id'?)");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = ';', value = {
            "max.event.bytes;0;>= 1",
            "max.event.bytes;-5;>= 1",
            "max.event.bytes;99999999999;>= 1",
            "http.port;70000;0..65535",
            "http.port;-1;0..65535",
            "topic.replication.factor;40000;1..32767",
            "topic.ingest.partitions;0;>= 1",
            "replica.timeout.ms;0;>= 1",
            "replication.factor;0;>= 1",
            "replication.other.zone.replicas;-1;>= 0",
            "commit.interval.ms;-1;>= 0",
            "stream.threads;two;>= 1",
            "replica.timeout.ms;soon;>= 1",
            "membership.heartbeat.ms;1.5;>= 1",
            "commit.level;MOST;one of ONE, QUORUM, ALL",
            "processing.guarantee;maybe;one of at_least_once, exactly_once_v2",
            "processing.guarantee;EXACTLY_ONCE_V2;one of at_least_once, exactly_once_v2",
            "node.id;bad id!;letters, digits, '-' and '_'"})
    void valuesOutOfRangeOrOfTheWrongTypeNameKeyValueAndRange(String key, String value, String allowed) {
        assertThatThrownBy(() -> SidecarConfig.from(with(key, value), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + " has an invalid value '" + value + "'")
                .hasMessageContaining(allowed);
    }

    @Test
    void missingRequiredValuesNameTheirKey() {
        assertThatThrownBy(() -> SidecarConfig.from(Map.of("kafka.bootstrap.servers", "b:1"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node.id is not set")
                .hasMessageContaining("ALLDATA_NODE_ID");
        assertThatThrownBy(() -> SidecarConfig.from(Map.of("node.id", " ", "kafka.bootstrap.servers", "b:1"), Map.of()))
                .hasMessageContaining("node.id is not set");
        assertThatThrownBy(() -> SidecarConfig.from(Map.of("node.id", "n"), Map.of()))
                .hasMessageContaining("kafka.bootstrap.servers is not set");
    }

    @Test
    void blankValuesTakeTheDefaultAndValuesAreStripped() {
        SidecarConfig c = SidecarConfig.from(with("replica.timeout.ms", "  "), Map.of());
        assertThat(c.replicaTimeoutMs()).isEqualTo(5000);
        assertThat(SidecarConfig.from(with("stream.threads", " 3 "), Map.of()).streamThreads()).isEqualTo(3);
    }

    @Test
    void dataDirMayNameTheNode() {
        assertThat(SidecarConfig.from(with("data.dir", "/var/lib/alldata/${node.id}"), Map.of()).dataDir())
                .isEqualTo(Path.of("/var/lib/alldata/n1"));
    }

    @Test
    void kafkaKeysPassThroughWithoutThePrefix() {
        SidecarConfig c = SidecarConfig.from(Map.of("node.id", "n1", "kafka.bootstrap.servers", "b:1",
                "kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "PLAIN"), Map.of());
        assertThat(c.kafkaClientConfig()).containsEntry("bootstrap.servers", "b:1")
                .containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN");
        SidecarConfig more = c.withKafka(Map.of("linger.ms", "5"));
        assertThat(more.kafka()).containsEntry("linger.ms", "5").containsEntry("sasl.mechanism", "PLAIN");
        assertThat(more.nodeId()).isEqualTo("n1");
        assertThat(c.kafka()).doesNotContainKey("linger.ms");
    }

    @Test
    void environmentOverridesTheFile() {
        SidecarConfig c = SidecarConfig.from(MIN, Map.of("ALLDATA_NODE_ID", "n2", "ALLDATA_REPLICATION_FACTOR", "3",
                "ALLDATA_KAFKA_BOOTSTRAP_SERVERS", "env:9", "ALLDATA_COMMIT_LEVEL", "all",
                "ALLDATA_KAFKA_SECURITY_PROTOCOL", "SSL"));
        assertThat(c.nodeId()).isEqualTo("n2");
        assertThat(c.strategy().replicationFactor()).isEqualTo(3);
        assertThat(c.bootstrapServers()).isEqualTo("env:9");
        assertThat(c.commitLevel()).isEqualTo(CommitLevel.ALL);
        assertThat(c.kafka()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void environmentValuesAreChecked() {
        assertThatThrownBy(() -> SidecarConfig.from(MIN, Map.of("ALLDATA_MAX_EVENT_BYTES", "-1")))
                .hasMessageStartingWith("max.event.bytes has an invalid value '-1'");
    }

    @Test
    void misspeltVariablesAreRefusedLikeMisspeltKeysNamingTheClosestVariable() {
        assertThatThrownBy(() -> SidecarConfig.from(MIN, Map.of("ALLDATA_REPLICATON_FACTOR", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown environment variable 'ALLDATA_REPLICATON_FACTOR' (did you mean"
                        + " 'ALLDATA_REPLICATION_FACTOR'?)");
        assertThatThrownBy(() -> SidecarConfig.from(MIN, Map.of("ALLDATA_KAFKA_BOOTSTRAP_SERVERS", "b:1",
                "ALLDATA_JAVA_OPT", "-Xmx1g", "ALLDATA_WHATEVER_THIS_IS", "x")))
                .hasMessage("unknown environment variable 'ALLDATA_JAVA_OPT' (did you mean 'ALLDATA_JAVA_OPTS'?);"
                        + " unknown environment variable 'ALLDATA_WHATEVER_THIS_IS'");
    }

    @Test
    void variablesReadOutsideTheConfigAndOtherProgramsVariablesAreAccepted() {
        SidecarConfig c = SidecarConfig.from(MIN, Map.of("ALLDATA_JAVA_OPTS", "-Xmx1g", "ALLDATA_LOG_LEVEL", "DEBUG",
                "ALLDATA_KAFKA_CLIENT_DNS_LOOKUP", "use_all_dns_ips", "PATH", "/usr/bin", "alldata_lower", "x"));
        assertThat(c.kafka()).containsEntry("client.dns.lookup", "use_all_dns_ips");
        assertThat(EnvironmentVariables.accepted("ALLDATA_HTTP_AUTH_TOKEN")).isTrue();
        assertThat(EnvironmentVariables.accepted("ALLDATA_HTTP_AUTH_TOKENS")).isFalse();
    }

    @Test
    void toStringShowsNoKafkaValuesWhichMayBeSecrets() {
        SidecarConfig c = SidecarConfig.from(with("kafka.sasl.jaas.config", "password=\"hunter2\""), Map.of());
        assertThat(c.toString()).contains("node.id=n1", "sasl.jaas.config").doesNotContain("hunter2");
    }

    @Test
    void secretsAreNeverShownButTheirPresenceIs() {
        Map<String, String> v = with("http.auth.token", "s3cret-token");
        v.put("http.tls.keystore.path", "/etc/alldata/node.p12");
        v.put("http.tls.keystore.password", "hunter2");
        SidecarConfig c = SidecarConfig.from(v, Map.of());
        assertThat(c.get(SidecarConfig.HTTP_AUTH_TOKEN)).hasValue("s3cret-token");
        assertThat(c.get(SidecarConfig.HTTP_TLS_KEYSTORE_PATH)).hasValue(Path.of("/etc/alldata/node.p12"));
        assertThat(c.toString()).doesNotContain("s3cret-token", "hunter2")
                .contains("http.auth.token=(set)", "http.tls.keystore.password=(set)", "http.tls.truststore.password=(none)",
                        "http.tls.keystore.path=/etc/alldata/node.p12", "http.advertised.address=,");
        assertThat(SidecarConfig.from(MIN, Map.of()).get(SidecarConfig.HTTP_AUTH_TOKEN)).isEmpty();
    }

    @Test
    void aKeystoreNeedsItsPasswordAndATruststorePasswordItsPath() {
        assertThatThrownBy(() -> SidecarConfig.from(with("http.tls.keystore.path", "/k.p12"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("http.tls.keystore.path is set but http.tls.keystore.password is not: set both (or neither)");
        assertThatThrownBy(() -> SidecarConfig.from(with("http.tls.keystore.password", "hunter2"), Map.of()))
                .hasMessage("http.tls.keystore.password is set but http.tls.keystore.path is not: set both (or neither)");
        assertThatThrownBy(() -> SidecarConfig.from(with("http.tls.truststore.password", "hunter2"), Map.of()))
                .hasMessage("http.tls.truststore.password is set but http.tls.truststore.path is not");
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

    @Test
    void aConfigFileThatCannotBeReadIsAConfigProblemNamingTheFileAndWhy(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> SidecarConfig.load(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read config file " + missing + ": no such file");
        assertThatThrownBy(() -> SidecarConfig.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read config file " + dir + ": it is a directory");
        Path latin1 = Files.write(dir.resolve("latin1.properties"), new byte[] {'z', 'o', 'n', 'e', '=', (byte) 0xE9});
        assertThatThrownBy(() -> SidecarConfig.load(latin1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read config file " + latin1 + ": not UTF-8 text");
    }

    @Test
    void theProductionConfigIsReachableFromOtherMachines() {
        SidecarConfig c = SidecarConfig.load(Path.of("config/production.properties"));
        assertThat(c.get(SidecarConfig.HTTP_ADVERTISED_ADDRESS)).as("http.advertised.address").isPresent();
        assertThat(LoopbackCheck.warning(c.httpBind(), c.get(SidecarConfig.HTTP_ADVERTISED_ADDRESS).orElseThrow(),
                c.bootstrapServers())).isEmpty();
        assertThat(c.httpBind()).isEqualTo("0.0.0.0");
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.strategy().replicationFactor()).isEqualTo(3);
    }

    @Test
    void readmeConfigurationTableMatchesTheDefinitions() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int begin = readme.indexOf(TABLE_BEGIN);
        int end = readme.indexOf(TABLE_END);
        assertThat(begin).as("README.md has " + TABLE_BEGIN.strip()).isNotNegative();
        assertThat(end).as("README.md has " + TABLE_END + " after the begin marker").isGreaterThan(begin);
        String expected = SidecarConfig.markdownTable();
        assertThat(readme.substring(begin + TABLE_BEGIN.length(), end))
                .as("README.md's configuration table is out of date; paste this between the markers "
                        + "(or run: alldata sidecar --print-config-reference):%n%s", expected)
                .isEqualTo(expected);
    }

    private static Map<String, String> with(String k, String v) {
        Map<String, String> m = new HashMap<>(MIN);
        m.put(k, v);
        return m;
    }
}
