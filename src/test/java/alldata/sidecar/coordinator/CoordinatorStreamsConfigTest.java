package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.SidecarConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class CoordinatorStreamsConfigTest {
    private static final String MAIN_SESSION = StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);

    private static Properties streams(Map<String, String> values) {
        return CoordinatorTopology.streamsConfig(SidecarConfig.from(values, Map.of()));
    }

    /** A crashed node's ingest partitions move after 15 s, not after Kafka's default of 45 s. */
    @Test
    void aCrashedCoordinatorIsNoticedSoonerThanKafkasDefault() {
        Properties p = streams(Map.of("node.id", "n1", "kafka.bootstrap.servers", "localhost:9092"));
        assertThat(p.get(MAIN_SESSION)).isEqualTo(15_000);
        assertThat(p.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))).isEqualTo(5_000);
        // what the main consumer gets in the end
        Map<String, Object> consumer = new StreamsConfig(p).getMainConsumerConfigs("g", "c", 0);
        assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(15_000);
    }

    @Test
    void anOperatorsSessionTimeoutWins() {
        Properties p = streams(Map.of("node.id", "n1", "kafka.bootstrap.servers", "localhost:9092",
                "kafka.session.timeout.ms", "30000"));
        assertThat(p).doesNotContainKey(MAIN_SESSION);
        Map<String, Object> consumer = new StreamsConfig(p).getMainConsumerConfigs("g", "c", 0);
        assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo("30000");
    }
}
