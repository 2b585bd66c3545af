package alldata.sidecar.coordinator;

import alldata.protocol.ClientDefaults;
import alldata.protocol.Topics;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.sidecar.kafka.TopicAdmin;
import alldata.sidecar.kafka.TopicReplication;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.FailedMarks;
import alldata.store.ReplicaPlans;
import alldata.store.ReplicaWrites;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;
import org.apache.kafka.streams.state.Stores;

/**
 * The coordinator's Kafka Streams topology: sources ingest and acks feed one {@link CoordinatorProcessor}
 * with the persistent {@code pending-puts} store; sinks route outcomes to the results topic and rejected records
 * to the dead-letter topic. Commands to the nodes go out through a {@link CommandSender}, outside the topology
 * (and so outside its transactions).
 */
public final class CoordinatorTopology {
    private final IngestGate gate = new IngestGate();
    private final Topology topology;

    private <S extends ReplicaWrites & ReplicaPlans & FailedMarks> CoordinatorTopology(CoordinatorSettings settings,
            Topics topics, int changelogMaxBytes, PeerDirectory peers, S store, ClockMarkers clockMarkers,
            CommandSender commands, SidecarMetrics metrics) {
        this.topology = build(settings, topics, peers, new RocksLocalReplica(settings.nodeId(), store, metrics),
                clockMarkers, commands, gate, metrics, changelogMaxBytes);
    }

    /**
     * The coordinator of one sidecar (each KafkaStreams instance needs its own): run its {@link #topology()}
     * with its {@link #clientSupplier()}.
     *
     * @param settings          what the coordinator decides with (the composition root builds it from the config)
     * @param changelogMaxBytes the largest record of the pending-puts changelog
     * @param clockMarkers sends a task's clock markers to its ack partition, outside the task's transaction
     * @param commands     sends a task's command records to the nodes' command topics, outside its transaction
     */
    public static <S extends ReplicaWrites & ReplicaPlans & FailedMarks> CoordinatorTopology of(
            CoordinatorSettings settings, Topics topics, int changelogMaxBytes, PeerDirectory peers, S store,
            ClockMarkers clockMarkers, CommandSender commands, SidecarMetrics metrics) {
        return new CoordinatorTopology(settings, topics, changelogMaxBytes, peers, store, clockMarkers, commands, metrics);
    }

    public Topology topology() {
        return topology;
    }

    /** The clients Streams must use, so that back-pressure can pause ingest partitions. */
    public KafkaClientSupplier clientSupplier() {
        return new CoordinatorClientSupplier(gate);
    }

    static Topology build(CoordinatorSettings settings, Topics topics, PeerDirectory peers, LocalReplica local,
                          ClockMarkers clockMarkers, CommandSender commands, IngestGate gate, SidecarMetrics metrics,
                          int changelogMaxBytes) {
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        return new Topology()
                .addSource("ingest-source", bytesIn, bytesIn, topics.ingest())
                .addSource("acks-source", bytesIn, bytesIn, topics.acks())
                .addProcessor("coordinator", () -> new CoordinatorProcessor(settings, peers, local, clockMarkers, commands, gate,
                        metrics, topics.ingest(), topics.acks()), "ingest-source", "acks-source")
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CoordinatorProcessor.STORE),
                                Serdes.String(), Serdes.ByteArray())
                        .withCachingEnabled()
                        // a maximal event must fit its pending-put record, and any ingest timestamp must be accepted
                        // (the entry carries it), or the stream thread would die on it
                        .withLoggingEnabled(changelogConfig(changelogMaxBytes)),
                        "coordinator")
                .addSink(OutcomePublisher.RESULTS_SINK, topics.results(), bytesOut, bytesOut, "coordinator")
                .addSink(OutcomePublisher.DEAD_LETTER_SINK, topics.deadLetter(), bytesOut, bytesOut, "coordinator");
    }

    private static Map<String, String> changelogConfig(int maxBytes) {
        Map<String, String> c = new HashMap<>(TopicAdmin.ANY_TIMESTAMP);
        c.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxBytes));
        return c;
    }

    /**
     * Streams settings: the shared application id, this node's state dir, and the {@code kafka.*} settings.
     *
     * @param replication how the changelog is replicated, as the sidecar's own topics
     */
    public static Properties streamsConfig(StreamsSettings config, TopicReplication replication) {
        Properties p = new Properties();
        p.putAll(config.kafka().kafkaClientConfig());
        Topics topics = config.kafka().topics();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, topics.coordinatorApplicationId());
        p.put(StreamsConfig.CLIENT_ID_CONFIG, topics.coordinatorApplicationId() + "-" + config.kafka().nodeId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.dataDir().resolve("streams").toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication.replicationFactor());
        p.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), (int) replication.minInsyncReplicas());
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, UsePartitionTimeOnInvalidTimestamp.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // ingest and acks need no timestamp alignment: never hold a task back waiting for the other topic
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // the partition assignor re-reads a StreamsConfig from the main consumer's settings alone and, not
        // finding the flag there, warned at every start that it was off
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        // the largest command batch and the largest dead letter must fit a request
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), config.maxRequestBytes());
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), ClientDefaults.LINGER_MS);
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), ClientDefaults.FETCH_MAX_WAIT_MS);
        // static membership (Streams appends the thread index): a node that restarts, crashed or clean, takes its own
        // tasks back without a group-wide rebalance; the session bounds how long a node gone for good keeps them
        p.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                topics.coordinatorApplicationId() + "-" + config.kafka().nodeId());
        putIfUnset(p, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, COORDINATOR_SESSION_TIMEOUT_MS);
        putIfUnset(p, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, COORDINATOR_SESSION_TIMEOUT_MS / 5);
        return p;
    }

    /**
     * How long a coordinator that stopped heartbeating keeps its ingest partitions: a restart within it takes them
     * back untouched (static membership); past it they move to the other nodes. Kafka's default is 45 s.
     */
    static final int COORDINATOR_SESSION_TIMEOUT_MS = 15_000;

    /** Sets a main-consumer setting unless the operator set it, plainly or for the consumers. */
    private static void putIfUnset(Properties p, String key, Object value) {
        if (!p.containsKey(key) && !p.containsKey(StreamsConfig.consumerPrefix(key))
                && !p.containsKey(StreamsConfig.mainConsumerPrefix(key))) {
            p.put(StreamsConfig.mainConsumerPrefix(key), value);
        }
    }
}
