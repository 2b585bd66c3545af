package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.Sidecar;
import alldata.sidecar.config.SidecarConfig;
import alldata.sidecar.kafka.TopicReplication;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The coordinator's group settings, as the main consumer of each stream thread ends up with them. */
class CoordinatorStreamsConfigTest {
    private static final Map<String, String> NODE = Map.of("node.id", "n1", "kafka.bootstrap.servers", "localhost:9092");

    private static Map<String, Object> mainConsumer(Map<String, String> more, int thread) {
        Map<String, String> values = new HashMap<>(NODE);
        values.putAll(more);
        Properties p = CoordinatorTopology.streamsConfig(settings(values, Map.of()), ONE_BROKER);
        return new StreamsConfig(p).getMainConsumerConfigs("g", "c", thread);
    }

    private static final TopicReplication ONE_BROKER = TopicReplication.decide(Optional.empty(), 1);

    /** The changelog is replicated as the sidecar's own topics: min(3, brokers) replicas, min ISR 2. */
    @Test
    void theChangelogIsReplicatedAsTheSidecarsTopics() {
        StreamsConfig three = new StreamsConfig(CoordinatorTopology.streamsConfig(settings(NODE, Map.of()),
                TopicReplication.decide(Optional.empty(), 5)));
        assertThat(three.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
        assertThat(three.originalsWithPrefix(StreamsConfig.TOPIC_PREFIX)).containsEntry("min.insync.replicas", 2);

        StreamsConfig one = new StreamsConfig(CoordinatorTopology.streamsConfig(settings(NODE, Map.of()),
                ONE_BROKER));
        assertThat(one.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(1);
        assertThat(one.originalsWithPrefix(StreamsConfig.TOPIC_PREFIX)).containsEntry("min.insync.replicas", 1);
    }

    /** A restarted node takes its own tasks back without a group-wide rebalance: one static member per thread. */
    @Test
    void eachStreamThreadIsAStaticMemberNamedAfterTheNode() {
        assertThat(mainConsumer(Map.of(), 0).get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                .isEqualTo("alldata-coordinator-n1-0");
        assertThat(mainConsumer(Map.of(), 1).get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                .isEqualTo("alldata-coordinator-n1-1");
    }

    /** A node gone for good loses its ingest partitions after 15 s, not after Kafka's default of 45 s. */
    @Test
    void aNodeGoneForGoodIsNoticedWithinFifteenSeconds() {
        Map<String, Object> consumer = mainConsumer(Map.of(), 0);
        assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(15_000);
        assertThat(consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).isEqualTo(3_000);
    }

    @Test
    void anOperatorsSessionTimeoutWins() {
        Map<String, Object> consumer = mainConsumer(Map.of("kafka.session.timeout.ms", "30000"), 0);
        assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo("30000");
    }

    private static StreamsSettings settings(Map<String, String> values, Map<String, String> env) {
        return Sidecar.streamsSettings(SidecarConfig.from(values, env));
    }
}
