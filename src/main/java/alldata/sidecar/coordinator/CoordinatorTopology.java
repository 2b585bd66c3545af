package alldata.sidecar.coordinator;

import alldata.protocol.Topics;
import alldata.sidecar.SidecarConfig;
import alldata.sidecar.SidecarMetrics;
import alldata.sidecar.TopicAdmin;
import alldata.sidecar.membership.PeerDirectory;
import alldata.sidecar.replica.AckSender;
import alldata.store.RocksReplicaStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;
import org.apache.kafka.streams.state.Stores;

/**
 * The coordinator's Kafka Streams topology (DESIGN.md §6): sources ingest and acks feed one
 * {@link CoordinatorProcessor} with the persistent {@code pending-puts} store; sinks route commands to
 * each node's command topic, outcomes to the results topic and bad input to the dead-letter topic.
 */
public final class CoordinatorTopology {
    private CoordinatorTopology() {
    }

    /** The application id all sidecars share: {@code alldata-coordinator} with the default prefix. */
    public static String applicationId(Topics topics) {
        return topics.prefix().replace('.', '-') + "coordinator";
    }

    public static Topology build(SidecarConfig config, PeerDirectory peers, RocksReplicaStore store, AckSender acks,
                                 SidecarMetrics metrics) {
        Topics topics = config.topics();
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        TopicNameExtractor<byte[], byte[]> toNode = (key, value, ctx) -> {
            Header h = ctx.headers().lastHeader(CoordinatorProcessor.DESTINATION_HEADER);
            return topics.commands(new String(h.value(), StandardCharsets.UTF_8));
        };
        return new Topology()
                .addSource("ingest-source", bytesIn, bytesIn, topics.ingest())
                .addSource("acks-source", bytesIn, bytesIn, topics.acks())
                .addProcessor("coordinator", () -> new CoordinatorProcessor(config, peers, store, acks, metrics),
                        "ingest-source", "acks-source")
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CoordinatorProcessor.STORE),
                        Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), "coordinator")
                .addSink(CoordinatorProcessor.COMMANDS_SINK, toNode, bytesOut, bytesOut, "coordinator")
                .addSink(CoordinatorProcessor.RESULTS_SINK, topics.results(), bytesOut, bytesOut, "coordinator")
                .addSink(CoordinatorProcessor.DEAD_LETTER_SINK, topics.deadLetter(), bytesOut, bytesOut, "coordinator");
    }

    /** Streams settings: the shared application id, this node's state dir, and the {@code kafka.*} settings. */
    public static Properties streamsConfig(SidecarConfig config) {
        Properties p = new Properties();
        for (Map.Entry<String, Object> e : config.kafkaClientConfig().entrySet()) {
            p.put(e.getKey(), e.getValue());
        }
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(config.topics()));
        p.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId(config.topics()) + "-" + config.nodeId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.dataDir().resolve("streams").toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplicationFactor());
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, UsePartitionTimeOnInvalidTimestamp.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // ingest and acks need no timestamp alignment: never hold a task back waiting for the other topic
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // the partition assignor re-reads a StreamsConfig from the main consumer's settings alone and, not
        // finding the flag there, warned at every start that it was off
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        // oversize events must reach the dead-letter topic, and a maximal event still fits in a command
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), TopicAdmin.maxMessageBytes(config));
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 2);
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        // measured: with the default 500 ms, fetches of ingest and acks often sat in the broker's purgatory for
        // far longer than the data took to arrive (bench: 2.7k -> 3.8k events/s, p50 300 -> 190 ms, RF 1)
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
        return p;
    }
}
