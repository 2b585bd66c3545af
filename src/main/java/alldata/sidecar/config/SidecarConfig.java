package alldata.sidecar.config;

import static alldata.sidecar.config.Setting.Range.atLeast;
import static alldata.sidecar.config.Setting.Range.between;

import alldata.core.CommitLevel;
import alldata.core.ReplicationStrategy;
import alldata.core.SpreadRequirement;
import alldata.core.WhenShort;
import alldata.http.NodeAddress;
import alldata.protocol.Topics;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Everything a sidecar is configured with, read from a properties file with environment overrides.
 *
 * <p>Every key is a {@link Setting} constant below, holding its type, default, allowed values and meaning;
 * {@link #get(Setting)} returns its parsed value. Keys starting with {@code kafka.} go unchanged (prefix
 * removed) to every Kafka client the sidecar makes: bootstrap servers, security, SASL/SSL, timeouts. Any
 * other key is refused, naming the closest known key, so that a typo fails at start instead of being
 * silently ignored. An environment variable {@code ALLDATA_<KEY>} ({@code .} and {@code -} as {@code _},
 * upper case) overrides the file, e.g. {@code ALLDATA_NODE_ID}, {@code ALLDATA_KAFKA_BOOTSTRAP_SERVERS};
 * any other {@code ALLDATA_*} variable is refused like an unknown key, except the few read elsewhere
 * ({@link EnvironmentVariables#NOT_SETTINGS}, e.g. the launcher's {@code ALLDATA_JAVA_OPTS}).
 *
 * <p><b>Adding a key</b> is one {@code public static final Setting<…>} constant in this class, made by a
 * {@code Setting.of…} factory (it is found by reflection, in declaration order); read it with
 * {@code config.get(KEY)} or a convenience accessor. Then run {@code SidecarConfigTest}: it fails until the
 * README's configuration table, printed by {@link #markdownTable()}, is updated.
 */
public final class SidecarConfig {

    /** Prefix of the keys passed to the Kafka clients. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final Setting<String> NODE_ID = Setting.ofPattern("node.id", null, "[A-Za-z0-9_-]+",
            "letters, digits, '-' and '_'", "This node's unique id; names its command topic `alldata.node.<id>.commands`.");
    public static final Setting<String> ZONE = Setting.ofString("zone", "default",
            "The node's zone within its region; placement spreads replicas over zones.");
    public static final Setting<String> REGION = Setting.ofString("region", "default",
            "The node's region; placement spreads replicas over regions.");
    public static final Setting<Path> DATA_DIR = Setting.ofPath("data.dir", "./data/${node.id}",
            "Directory of the node's RocksDB replica store and Streams state.");
    public static final Setting<String> HTTP_BIND = Setting.ofString("http.bind", "127.0.0.1",
            "Address the HTTP API binds to.");
    public static final Setting<Integer> HTTP_PORT = Setting.ofInt("http.port", NodeAddress.DEFAULT_PORT, between(0, 65_535),
            "HTTP API port (0 picks a free one).");
    public static final Setting<Optional<String>> HTTP_ADVERTISED_ADDRESS = Setting.ofOptionalString(
            "http.advertised.address", "`host:port` at which peers and clients reach this node's HTTP API, announced in"
                    + " the membership topic; empty: the bound address (this host's name when `http.bind` is a wildcard"
                    + " address such as 0.0.0.0).");
    public static final Setting<Optional<String>> HTTP_AUTH_TOKEN = Setting.ofSecret("http.auth.token",
            "When set, every HTTP request except `/health/live` needs `Authorization: Bearer <token>` (else 401);"
                    + " nodes send it to each other, so every node of a cluster has the same token.");
    public static final Setting<Optional<Path>> HTTP_TLS_KEYSTORE_PATH = Setting.ofOptionalPath(
            "http.tls.keystore.path", "When set, the HTTP API speaks HTTPS only, with the key and certificate in this"
                    + " keystore; peers learn it from the membership record.");
    public static final Setting<Optional<String>> HTTP_TLS_KEYSTORE_PASSWORD = Setting.ofSecret(
            "http.tls.keystore.password", "Password of `http.tls.keystore.path` and of its key (required with it).");
    public static final Setting<String> HTTP_TLS_KEYSTORE_TYPE = Setting.ofString("http.tls.keystore.type", "PKCS12",
            "Type of `http.tls.keystore.path` (PKCS12 or JKS).");
    public static final Setting<Optional<Path>> HTTP_TLS_TRUSTSTORE_PATH = Setting.ofOptionalPath(
            "http.tls.truststore.path", "Certificates this node trusts when it reads from peers over HTTPS; empty:"
                    + " the JDK's default trust store.");
    public static final Setting<Optional<String>> HTTP_TLS_TRUSTSTORE_PASSWORD = Setting.ofSecret(
            "http.tls.truststore.password", "Password of `http.tls.truststore.path`, if it has one.");
    public static final Setting<String> HTTP_TLS_TRUSTSTORE_TYPE = Setting.ofString("http.tls.truststore.type",
            "PKCS12", "Type of `http.tls.truststore.path` (PKCS12 or JKS).");
    public static final Setting<Long> HTTP_PEER_TIMEOUT_MS = Setting.ofLong("http.peer.timeout.ms", 5000, atLeast(1),
            "How long a node waits for a peer's HTTP API (cluster reads, and repair asking which events a peer"
                    + " holds) to connect, to answer and between the bytes of its answer; a peer that does not is read as"
                    + " down.");
    public static final Setting<Long> HTTP_SCAN_MAX_PAGE_BYTES = Setting.ofLong("http.scan.max.page.bytes", 16L << 20,
            between(1, 1L << 40), "A scan page ends before its events exceed this many bytes (it holds at least one"
                    + " event); `limit` caps its events.");
    public static final Setting<Integer> HTTP_READ_THREADS = Setting.ofInt("http.read.threads", 4, between(1, 256),
            "Scans (and cluster reads) served at once, each kind; more wait in a short queue, then get 503.");
    public static final Setting<String> TOPIC_PREFIX = Setting.ofString("topic.prefix", Topics.DEFAULT_PREFIX,
            "Prefix of every AllData topic.");
    public static final Setting<Integer> INGEST_PARTITIONS = Setting.ofInt("topic.ingest.partitions", 6, atLeast(1),
            "Partitions of the ingest and ack topics (they must match), when the sidecar creates them.");
    public static final Setting<Integer> COMMAND_PARTITIONS = Setting.ofInt("topic.commands.partitions", 1, atLeast(1),
            "Partitions of this node's command topic, when created.");
    public static final Setting<Integer> RESULTS_PARTITIONS = Setting.ofInt("topic.results.partitions", 6, atLeast(1),
            "Partitions of the results topic, when created.");
    public static final Setting<Optional<Short>> TOPIC_REPLICATION_FACTOR = Setting.ofOptionalShort(
            "topic.replication.factor", atLeast(1), "Replication factor of the Kafka topics the sidecar creates (Streams'"
                    + " changelog too), which get `min.insync.replicas` min(2, it); empty: min(3, brokers at start).");
    public static final Setting<CommitLevel> COMMIT_LEVEL = Setting.ofEnum("commit.level", CommitLevel.class,
            CommitLevel.QUORUM, "Default commit level of a put.");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.ofInt("replication.factor", 1, atLeast(1),
            "Replicas per event, the local one included.");
    public static final Setting<Integer> OTHER_ZONE_REPLICAS = Setting.ofInt("replication.other.zone.replicas", 0,
            atLeast(0), "Replicas to place in other zones of the region.");
    public static final Setting<Integer> OTHER_REGION_REPLICAS = Setting.ofInt("replication.other.region.replicas", 0,
            atLeast(0), "Replicas to place in other regions.");
    public static final Setting<Integer> COMMIT_MIN_ZONES = Setting.ofInt("commit.min.zones", 1, between(1, 255),
            "A put commits only once its acked replicas also span at least this many zones (header"
                    + " `alldata-min-zones` per put); when the live topology cannot, it waits until `put.timeout.ms`, then"
                    + " FAILS naming the missing zones. At most `replication.factor`.");
    public static final Setting<Integer> COMMIT_MIN_REGIONS = Setting.ofInt("commit.min.regions", 1, between(1, 255),
            "A put commits only once its acked replicas also span at least this many regions (header"
                    + " `alldata-min-regions` per put); as `commit.min.zones`. At most `replication.factor`.");
    public static final Setting<Long> REPLICA_TIMEOUT_MS = Setting.ofLong("replica.timeout.ms", 5000, atLeast(1),
            "A replica not acked within this time is re-placed on a spare node; its late ack still counts.");
    public static final Setting<Long> PUT_TIMEOUT_MS = Setting.ofLong("put.timeout.ms", 60_000, atLeast(1),
            "A put whose commit level is not met within this time FAILS. Until then it waits for slow or restarting"
                    + " nodes (their commands wait in their command topics); long enough to cover a node restart.");
    public static final Setting<Integer> MAX_EVENT_BYTES = Setting.ofInt("max.event.bytes", 1_048_576, atLeast(1),
            "Largest accepted event; larger ones are rejected (FAILED) and dead-lettered.");
    public static final Setting<Long> HEARTBEAT_MS = Setting.ofLong("membership.heartbeat.ms", 1000, atLeast(1),
            "Interval of this node's membership heartbeats.");
    public static final Setting<Long> SESSION_TIMEOUT_MS = Setting.ofLong("membership.session.timeout.ms", 10_000,
            atLeast(1), "A peer is live while its last heartbeat is younger than this.");
    public static final Setting<Integer> MAX_KEY_BYTES = Setting.ofInt("max.key.bytes", 16_384, between(1, 1 << 20),
            "Largest ingest record key and correlation id; larger ones are rejected (FAILED) and dead-lettered.");
    public static final Setting<Integer> MAX_HEADER_BYTES = Setting.ofInt("max.header.bytes", 16_384, atLeast(1),
            "Largest total size of an ingest record's header names and values; larger ones are rejected.");
    public static final Setting<Integer> MAX_EVENT_DEPTH = Setting.ofInt("max.event.depth", 128, between(1, 1000),
            "Deepest nesting of objects and arrays in an event (its own object counts 1); deeper ones are rejected.");
    public static final Setting<WhenShort> PLACEMENT_WHEN_SHORT = Setting.ofEnum("placement.when.short",
            WhenShort.class, WhenShort.DEGRADE, "With fewer live nodes than the replication factor: DEGRADE places the"
                    + " replicas it can and commits at the commit level (the outcome's `owed` says how many are"
                    + " missing; repair completes them); FAIL refuses the put.");
    public static final Setting<Integer> MAX_PENDING_PUTS = Setting.ofInt("max.pending.puts", 5_000, atLeast(1),
            "Puts in flight per coordinator task (ingest partition) before its ingest partition is paused.");
    public static final Setting<Long> MAX_PENDING_BYTES = Setting.ofLong("max.pending.bytes", 32L << 20, atLeast(1),
            "Event bytes in flight per coordinator task before its ingest partition is paused.");
    public static final Setting<Integer> MAX_COMMAND_BATCH_BYTES = Setting.ofInt("max.command.batch.bytes", 256 * 1024,
            between(1024, 64 << 20), "A coordinator task sends a node's command record once its events reach this size"
                    + " (else at the end of each processing cycle).");
    public static final Setting<String> PROCESSING_GUARANTEE = Setting.ofChoice("processing.guarantee",
            "exactly_once_v2", List.of("at_least_once", "exactly_once_v2"), "Kafka Streams guarantee of the"
                    + " coordinator. exactly_once_v2: exactly one outcome per ingest record, across crashes and"
                    + " rebalances (outcomes are read read_committed). at_least_once: outcomes wait for their ingest offsets to"
                    + " be committed; only a replaced, stalled owner can repeat one (identically).");
    public static final Setting<Integer> STREAM_THREADS = Setting.ofInt("stream.threads", 1, atLeast(1),
            "Kafka Streams threads of the coordinator.");
    public static final Setting<Long> COMMIT_MIN_INTERVAL_MS = Setting.ofLong("commit.min.interval.ms", 10, atLeast(0),
            "Outcomes are visible once their transaction commits (exactly_once_v2) or their offsets are (at_least_once):"
                    + " a coordinator task with outcomes waiting asks for a commit at once when no record came in its"
                    + " last cycle, and at most this often while records keep coming (one commit then covers everything"
                    + " processed meanwhile).");
    public static final Setting<Long> COMMIT_INTERVAL_MS = Setting.ofLong("commit.interval.ms", 500, atLeast(0),
            "Kafka Streams commit interval of the coordinator: how often pending-put state is flushed and offsets committed.");
    public static final Setting<Long> REPAIR_DELAY_MS = Setting.ofLong("repair.delay.ms", 600_000, atLeast(0),
            "A node without a heartbeat for this long counts as lost: repair copies its replicas to other nodes. Until"
                    + " then it is only down and presumed to hold them (a restart must not set off copying). A node"
                    + " dropped or decommissioned (tombstoned) is lost at once.");
    public static final Setting<Integer> REPAIR_MAX_EVENTS_PER_S = Setting.ofInt("repair.max.events.per.s", 1000,
            atLeast(1), "Replicas this node's repair writes to other nodes per second at most (each copy counts), so"
                    + " that repair never starves puts.");
    public static final Setting<Long> REPAIR_MAX_BYTES_PER_S = Setting.ofLong("repair.max.bytes.per.s", 8L << 20,
            atLeast(1024), "Event bytes this node's repair sends to other nodes per second at most.");
    public static final Setting<Long> REPAIR_SCAN_INTERVAL_MS = Setting.ofLong("repair.scan.interval.ms", 3_600_000,
            atLeast(1000), "Interval of the slow repair pass over every event this node holds (missed plan"
                    + " updates); membership changes start a pass at once, and owed replicas are completed as soon as a"
                    + " node can take them.");

    /** The one {@code kafka.*} key that must be set; also offered as a suggestion for misspelt keys. */
    private static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    private final Map<Setting<?>, Object> values;
    private final Map<String, String> kafka;
    private final Topics topics;
    private final ReplicationStrategy strategy;

    private SidecarConfig(Map<Setting<?>, Object> values, Map<String, String> kafka) {
        this.values = Map.copyOf(values);
        this.kafka = Map.copyOf(kafka);
        if (!this.kafka.containsKey(BOOTSTRAP_SERVERS)) {
            throw new IllegalArgumentException(KAFKA_PREFIX + BOOTSTRAP_SERVERS + " is not set (config file or "
                    + Setting.envName(KAFKA_PREFIX + BOOTSTRAP_SERVERS) + ")");
        }
        requireTogether(HTTP_TLS_KEYSTORE_PATH, HTTP_TLS_KEYSTORE_PASSWORD);
        if (get(HTTP_TLS_TRUSTSTORE_PASSWORD).isPresent() && get(HTTP_TLS_TRUSTSTORE_PATH).isEmpty()) {
            throw new IllegalArgumentException(HTTP_TLS_TRUSTSTORE_PASSWORD.key() + " is set but "
                    + HTTP_TLS_TRUSTSTORE_PATH.key() + " is not");
        }
        this.topics = new Topics(get(TOPIC_PREFIX));
        this.strategy = new ReplicationStrategy(get(REPLICATION_FACTOR), get(OTHER_ZONE_REPLICAS),
                get(OTHER_REGION_REPLICAS));
        for (Setting<Integer> min : List.of(COMMIT_MIN_ZONES, COMMIT_MIN_REGIONS)) {
            if (get(min) > strategy.replicationFactor()) {
                throw new IllegalArgumentException(min.key() + " is " + get(min) + ", more than " + REPLICATION_FACTOR.key()
                        + " " + strategy.replicationFactor() + ": no put could ever commit");
            }
        }
    }

    private void requireTogether(Setting<? extends Optional<?>> path, Setting<? extends Optional<?>> password) {
        if (get(path).isPresent() != get(password).isPresent()) {
            Setting<?> set = get(path).isPresent() ? path : password;
            Setting<?> unset = set == path ? password : path;
            throw new IllegalArgumentException(set.key() + " is set but " + unset.key() + " is not: set both (or neither)");
        }
    }

    /** Every defined setting, in declaration order. */
    public static List<Setting<?>> settings() {
        return Defined.ALL;
    }

    /**
     * The parsed value of {@code setting}.
     *
     * @throws IllegalArgumentException if {@code setting} is not one of this class's constants
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting);
        if (value == null) {
            throw new IllegalArgumentException(setting.key() + " is not a sidecar setting (not a constant of SidecarConfig)");
        }
        return (T) value;
    }

    public String nodeId() {
        return get(NODE_ID);
    }

    public String zone() {
        return get(ZONE);
    }

    public String region() {
        return get(REGION);
    }

    public Path dataDir() {
        return get(DATA_DIR);
    }

    public String httpBind() {
        return get(HTTP_BIND);
    }

    public int httpPort() {
        return get(HTTP_PORT);
    }

    public Topics topics() {
        return topics;
    }

    public int ingestPartitions() {
        return get(INGEST_PARTITIONS);
    }

    public int commandPartitions() {
        return get(COMMAND_PARTITIONS);
    }

    public int resultsPartitions() {
        return get(RESULTS_PARTITIONS);
    }

    /** {@code topic.replication.factor}; empty: decided from the brokers ({@link alldata.sidecar.kafka.TopicReplication}). */
    public Optional<Short> topicReplicationFactor() {
        return get(TOPIC_REPLICATION_FACTOR);
    }

    public CommitLevel commitLevel() {
        return get(COMMIT_LEVEL);
    }

    public ReplicationStrategy strategy() {
        return strategy;
    }

    /** The fault domains a put's acked replicas must span unless its headers say otherwise. */
    public SpreadRequirement commitSpread() {
        return new SpreadRequirement(get(COMMIT_MIN_ZONES), get(COMMIT_MIN_REGIONS));
    }

    public long replicaTimeoutMs() {
        return get(REPLICA_TIMEOUT_MS);
    }

    public int maxEventBytes() {
        return get(MAX_EVENT_BYTES);
    }

    public long heartbeatMs() {
        return get(HEARTBEAT_MS);
    }

    public long sessionTimeoutMs() {
        return get(SESSION_TIMEOUT_MS);
    }

    public String processingGuarantee() {
        return get(PROCESSING_GUARANTEE);
    }

    public int streamThreads() {
        return get(STREAM_THREADS);
    }

    public long commitIntervalMs() {
        return get(COMMIT_INTERVAL_MS);
    }

    /** The {@code kafka.*} settings without the prefix (unmodifiable). */
    public Map<String, String> kafka() {
        return kafka;
    }

    public int maxKeyBytes() {
        return get(MAX_KEY_BYTES);
    }

    public int maxHeaderBytes() {
        return get(MAX_HEADER_BYTES);
    }

    public int maxCommandBatchBytes() {
        return get(MAX_COMMAND_BATCH_BYTES);
    }

    /** The bootstrap servers the Kafka clients use. */
    public String bootstrapServers() {
        return kafka.get(BOOTSTRAP_SERVERS);
    }

    /** The Kafka client properties ({@code kafka.*} keys without the prefix). */
    public Map<String, Object> kafkaClientConfig() {
        return new LinkedHashMap<>(kafka);
    }

    /** A copy with other Kafka client settings (tests and the dev cluster). */
    public SidecarConfig withKafka(Map<String, String> more) {
        Map<String, String> k = new LinkedHashMap<>(kafka);
        k.putAll(more);
        return new SidecarConfig(values, k);
    }

    /**
     * Reads a properties file, applying environment overrides from {@link System#getenv()}.
     *
     * @throws IllegalArgumentException when the file cannot be read, naming it and why (as {@link #from} for its
     *                                  contents): a config problem, not an I/O failure to retry
     */
    public static SidecarConfig load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) { // IllegalArgumentException: a malformed unicode escape
            throw new IllegalArgumentException("cannot read config file " + file + ": " + unreadable(file, e), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        return from(values, System.getenv());
    }

    /** Why {@code file} could not be read, in an operator's words rather than the exception's (often only the path). */
    private static String unreadable(Path file, Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (Files.isDirectory(file)) {
            return "it is a directory";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * Builds a config from key/value pairs and environment overrides.
     *
     * @throws IllegalArgumentException naming an unknown key (and the closest known one), or the key of a
     *                                  missing or invalid value with what is allowed
     */
    public static SidecarConfig from(Map<String, String> values, Map<String, String> env) {
        refuseUnknownKeys(values.keySet());
        EnvironmentVariables.refuseUnknown(env);
        Map<String, String> v = new LinkedHashMap<>(values);
        for (Setting<?> s : settings()) {
            String e = env.get(s.envName());
            if (e != null) {
                v.put(s.key(), e);
            }
        }
        // every ALLDATA_KAFKA_* variable sets a kafka.* key (underscores as dots), whether or not the file has it
        String kafkaEnv = "ALLDATA_KAFKA_";
        env.forEach((name, value) -> {
            if (name.startsWith(kafkaEnv)) {
                v.put(KAFKA_PREFIX + name.substring(kafkaEnv.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        String nodeId = parse(v, NODE_ID, null);
        Map<Setting<?>, Object> parsed = new HashMap<>();
        for (Setting<?> s : settings()) {
            parsed.put(s, parse(v, s, nodeId));
        }
        Map<String, String> kafka = new LinkedHashMap<>();
        v.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), value);
            }
        });
        return new SidecarConfig(parsed, kafka);
    }

    private static void refuseUnknownKeys(Collection<String> keys) {
        List<String> known = new ArrayList<>(settings().stream().map(Setting::key).toList());
        known.add(KAFKA_PREFIX + BOOTSTRAP_SERVERS);
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(keys)) {
            if (!key.startsWith(KAFKA_PREFIX) && !known.contains(key)) {
                problems.add("unknown config key '" + key + "'" + ClosestKey.among(key, known)
                        .map(k -> " (did you mean '" + k + "'?)").orElse(""));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The value of {@code s}: set (blanks around it removed), else its default; {@code ${node.id}} expanded where the setting allows. */
    private static <T> T parse(Map<String, String> v, Setting<T> s, String nodeId) {
        String raw = v.get(s.key());
        raw = raw == null || raw.isBlank() ? s.defaultText() : raw.strip();
        if (raw == null) {
            throw new IllegalArgumentException(s.key() + " is not set (config file or " + s.envName() + "): " + s.doc());
        }
        return s.parse(s.expandsNodeId() ? raw.replace("${node.id}", nodeId) : raw);
    }

    /**
     * The configuration reference as a Markdown table (key, type, default, allowed values, meaning), as it
     * stands in the README between {@code <!-- config-table:begin -->} and {@code <!-- config-table:end -->}.
     */
    public static String markdownTable() {
        StringBuilder t = new StringBuilder("| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n");
        for (Setting<?> s : settings()) {
            t.append("| `").append(s.key()).append("` | ").append(s.type()).append(" | ")
                    .append(s.required() ? "(required)" : s.defaultText().isEmpty() ? "(none)" : "`" + s.defaultText() + "`")
                    .append(" | ")
                    .append(cell(s.allowed())).append(" | ").append(cell(s.doc())).append(" |\n");
        }
        return t.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SidecarConfig c && values.equals(c.values) && kafka.equals(c.kafka);
    }

    @Override
    public int hashCode() {
        return 31 * values.hashCode() + kafka.hashCode();
    }

    /**
     * The settings, secrets shown only as set or not, and the names (not the values, which may be secrets) of the
     * Kafka client settings.
     */
    @Override
    public String toString() {
        return settings().stream().map(s -> s.key() + "=" + shown(s)).collect(Collectors.joining(", ",
                "SidecarConfig[", ", kafka keys=" + new TreeSet<>(kafka.keySet()) + "]"));
    }

    private Object shown(Setting<?> s) {
        Object v = values.get(s);
        if (s.secret()) {
            return v instanceof Optional<?> o && o.isPresent() ? "(set)" : "(none)";
        }
        return v instanceof Optional<?> o ? o.map(Object::toString).orElse("") : v;
    }

    /** The setting constants, collected once this class is initialised (a holder, so that the constants exist first). */
    private static final class Defined {
        static final List<Setting<?>> ALL = collect();

        private static List<Setting<?>> collect() {
            List<Setting<?>> all = new ArrayList<>();
            for (Field f : SidecarConfig.class.getDeclaredFields()) {
                int m = f.getModifiers();
                if (f.getType() == Setting.class && Modifier.isStatic(m) && Modifier.isPublic(m) && Modifier.isFinal(m)) {
                    Setting<?> s;
                    try {
                        s = (Setting<?>) f.get(null);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                    if (s.key().startsWith(KAFKA_PREFIX) || all.stream().anyMatch(o -> o.key().equals(s.key()))) {
                        throw new IllegalStateException("setting " + f.getName() + ": key '" + s.key()
                                + "' is defined twice or shadows the kafka.* pass-through");
                    }
                    all.add(s);
                }
            }
            return List.copyOf(all);
        }
    }
}
