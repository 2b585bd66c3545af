package alldata.sidecar;

import alldata.core.CommitLevel;
import alldata.core.ReplicationStrategy;
import alldata.protocol.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything a sidecar is configured with, read from a properties file with environment overrides.
 *
 * <p>Every key is listed in {@link Key} with its default and meaning. Keys starting with {@code kafka.}
 * go unchanged (prefix removed) to every Kafka client the sidecar makes: bootstrap servers, security,
 * SASL/SSL, timeouts. An environment variable {@code ALLDATA_<KEY>} ({@code .} and {@code -} as
 * {@code _}, upper case) overrides the file, e.g. {@code ALLDATA_NODE_ID}, {@code ALLDATA_KAFKA_BOOTSTRAP_SERVERS}.
 */
public record SidecarConfig(
        String nodeId,
        String zone,
        String region,
        Path dataDir,
        String httpBind,
        int httpPort,
        Topics topics,
        int ingestPartitions,
        int commandPartitions,
        int resultsPartitions,
        short topicReplicationFactor,
        CommitLevel commitLevel,
        ReplicationStrategy strategy,
        long replicaTimeoutMs,
        int maxEventBytes,
        long heartbeatMs,
        long sessionTimeoutMs,
        String processingGuarantee,
        int streamThreads,
        long commitIntervalMs,
        Map<String, String> kafka) {

    /** Every configuration key, its default and what it means. */
    public enum Key {
        NODE_ID("node.id", null, "This node's unique id (letters, digits, '-', '_'); names its command topic."),
        ZONE("zone", "default", "The node's zone within its region."),
        REGION("region", "default", "The node's region."),
        DATA_DIR("data.dir", "./data/${node.id}", "Directory of the node's RocksDB replica store and Streams state."),
        HTTP_BIND("http.bind", "127.0.0.1", "Address the HTTP API binds to."),
        HTTP_PORT("http.port", "8080", "HTTP API port (0 picks a free one)."),
        TOPIC_PREFIX("topic.prefix", Topics.DEFAULT_PREFIX, "Prefix of every AllData topic."),
        INGEST_PARTITIONS("topic.ingest.partitions", "6", "Partitions of the ingest and ack topics, when the sidecar creates them."),
        COMMAND_PARTITIONS("topic.commands.partitions", "1", "Partitions of this node's command topic, when created."),
        RESULTS_PARTITIONS("topic.results.partitions", "6", "Partitions of the results topic, when created."),
        TOPIC_REPLICATION_FACTOR("topic.replication.factor", "1", "Replication factor of the Kafka topics the sidecar creates."),
        COMMIT_LEVEL("commit.level", "QUORUM", "Default commit level: ONE, QUORUM or ALL."),
        REPLICATION_FACTOR("replication.factor", "1", "Replicas per event, the local one included."),
        OTHER_ZONE_REPLICAS("replication.other.zone.replicas", "0", "Replicas to place in other zones of the region."),
        OTHER_REGION_REPLICAS("replication.other.region.replicas", "0", "Replicas to place in other regions."),
        REPLICA_TIMEOUT_MS("replica.timeout.ms", "5000", "Time a replica has to ack before it is re-placed."),
        MAX_EVENT_BYTES("max.event.bytes", "1048576", "Largest accepted event; larger ones are rejected and dead-lettered."),
        HEARTBEAT_MS("membership.heartbeat.ms", "1000", "Interval of this node's membership heartbeats."),
        SESSION_TIMEOUT_MS("membership.session.timeout.ms", "10000", "A peer is live while its last heartbeat is younger than this."),
        PROCESSING_GUARANTEE("processing.guarantee", "at_least_once", "Coordinator guarantee: at_least_once or exactly_once_v2."),
        STREAM_THREADS("stream.threads", "1", "Kafka Streams threads of the coordinator."),
        COMMIT_INTERVAL_MS("commit.interval.ms", "500", "Kafka Streams commit interval of the coordinator: how often pending-put state is flushed and offsets committed.");

        private final String name;
        private final String defaultValue;
        private final String doc;

        Key(String name, String defaultValue, String doc) {
            this.name = name;
            this.defaultValue = defaultValue;
            this.doc = doc;
        }

        public String key() {
            return name;
        }

        public String defaultValue() {
            return defaultValue;
        }

        public String doc() {
            return doc;
        }

        /** The environment variable that overrides this key. */
        public String envName() {
            return envName(name);
        }

        static String envName(String key) {
            return "ALLDATA_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    /** Prefix of the keys passed to the Kafka clients. */
    public static final String KAFKA_PREFIX = "kafka.";

    public SidecarConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        if (!nodeId.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("node.id '" + nodeId + "' may only hold letters, digits, '-' and '_'");
        }
        kafka = Map.copyOf(kafka);
        if (!kafka.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is not set (config file or "
                    + Key.envName("kafka.bootstrap.servers") + ")");
        }
        if (!processingGuarantee.equals("at_least_once") && !processingGuarantee.equals("exactly_once_v2")) {
            throw new IllegalArgumentException("processing.guarantee must be at_least_once or exactly_once_v2, got '"
                    + processingGuarantee + "'");
        }
        positive("topic.ingest.partitions", ingestPartitions);
        positive("topic.commands.partitions", commandPartitions);
        positive("topic.results.partitions", resultsPartitions);
        positive("topic.replication.factor", topicReplicationFactor);
        positive("replica.timeout.ms", replicaTimeoutMs);
        positive("max.event.bytes", maxEventBytes);
        positive("membership.heartbeat.ms", heartbeatMs);
        positive("membership.session.timeout.ms", sessionTimeoutMs);
        positive("stream.threads", streamThreads);
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /** Largest record key / correlation id accepted at ingest. */
    public int maxKeyBytes() {
        return 16_384;
    }

    /** Largest total of an ingest record's headers. */
    public int maxHeaderBytes() {
        return 16_384;
    }

    /** A destination's command record is sent once its events reach this size. */
    public int maxCommandBatchBytes() {
        return 256 * 1024;
    }

    /** The bootstrap servers the Kafka clients use. */
    public String bootstrapServers() {
        return kafka.get("bootstrap.servers");
    }

    /** The Kafka client properties ({@code kafka.*} keys without the prefix). */
    public Map<String, Object> kafkaClientConfig() {
        return new LinkedHashMap<>(kafka);
    }

    /** Reads a properties file, applying environment overrides from {@link System#getenv()}. */
    public static SidecarConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        return from(values, System.getenv());
    }

    /**
     * Builds a config from key/value pairs and environment overrides.
     *
     * @throws IllegalArgumentException naming the key of a missing or invalid value
     */
    public static SidecarConfig from(Map<String, String> values, Map<String, String> env) {
        Map<String, String> v = new LinkedHashMap<>(values);
        // environment overrides: known keys, and kafka.* keys whose names the file already has or that are well known
        for (Key k : Key.values()) {
            String e = env.get(k.envName());
            if (e != null) {
                v.put(k.key(), e);
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String prefix = "ALLDATA_KAFKA_";
            if (e.getKey().startsWith(prefix)) {
                String key = KAFKA_PREFIX + e.getKey().substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                v.put(key, e.getValue());
            }
        }
        String nodeId = require(v, Key.NODE_ID);
        Map<String, String> kafka = new LinkedHashMap<>();
        v.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), value);
            }
        });
        String dataDir = get(v, Key.DATA_DIR).replace("${node.id}", nodeId);
        return new SidecarConfig(
                nodeId,
                get(v, Key.ZONE),
                get(v, Key.REGION),
                Path.of(dataDir),
                get(v, Key.HTTP_BIND),
                intValue(v, Key.HTTP_PORT),
                new Topics(get(v, Key.TOPIC_PREFIX)),
                intValue(v, Key.INGEST_PARTITIONS),
                intValue(v, Key.COMMAND_PARTITIONS),
                intValue(v, Key.RESULTS_PARTITIONS),
                (short) intValue(v, Key.TOPIC_REPLICATION_FACTOR),
                parse(v, Key.COMMIT_LEVEL, CommitLevel::parse),
                parse(v, Key.REPLICATION_FACTOR, s -> new ReplicationStrategy(Integer.parseInt(s.strip()),
                        intValue(v, Key.OTHER_ZONE_REPLICAS), intValue(v, Key.OTHER_REGION_REPLICAS))),
                longValue(v, Key.REPLICA_TIMEOUT_MS),
                intValue(v, Key.MAX_EVENT_BYTES),
                longValue(v, Key.HEARTBEAT_MS),
                longValue(v, Key.SESSION_TIMEOUT_MS),
                get(v, Key.PROCESSING_GUARANTEE),
                intValue(v, Key.STREAM_THREADS),
                longValue(v, Key.COMMIT_INTERVAL_MS),
                kafka);
    }

    private static String require(Map<String, String> v, Key k) {
        String value = v.get(k.key());
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(k.key() + " is not set (config file or " + k.envName() + "): " + k.doc());
        }
        return value.strip();
    }

    private static String get(Map<String, String> v, Key k) {
        String value = v.get(k.key());
        return value == null || value.isBlank() ? k.defaultValue() : value.strip();
    }

    private static int intValue(Map<String, String> v, Key k) {
        return parse(v, k, s -> Integer.parseInt(s.strip()));
    }

    private static long longValue(Map<String, String> v, Key k) {
        return parse(v, k, s -> Long.parseLong(s.strip()));
    }

    private static <T> T parse(Map<String, String> v, Key k, java.util.function.Function<String, T> parser) {
        String raw = get(v, k);
        try {
            return parser.apply(raw);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(k.key() + " has an invalid value '" + raw + "': " + e.getMessage(), e);
        }
    }

    /** A copy with other Kafka client settings (tests and the dev cluster). */
    public SidecarConfig withKafka(Map<String, String> more) {
        Map<String, String> k = new LinkedHashMap<>(kafka);
        k.putAll(more);
        return new SidecarConfig(nodeId, zone, region, dataDir, httpBind, httpPort, topics, ingestPartitions,
                commandPartitions, resultsPartitions, topicReplicationFactor, commitLevel, strategy, replicaTimeoutMs,
                maxEventBytes, heartbeatMs, sessionTimeoutMs, processingGuarantee, streamThreads, commitIntervalMs, k);
    }
}
