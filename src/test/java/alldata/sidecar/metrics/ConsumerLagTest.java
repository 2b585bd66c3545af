package alldata.sidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class ConsumerLagTest {
    private final Map<MetricName, Metric> metrics = new HashMap<>();

    private void metric(String name, String group, Map<String, String> tags, Object value) {
        MetricName n = new MetricName(name, group, "", tags);
        metrics.put(n, new Metric() {
            @Override
            public MetricName metricName() {
                return n;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    private void lag(String topic, int partition, double value) {
        metric("records-lag", "consumer-fetch-manager-metrics",
                Map.of("client-id", "c", "topic", topic, "partition", Integer.toString(partition)), value);
    }

    @Test
    void sumsThePartitionLagOfExactlyTheTopic() {
        lag("alldata.ingest", 0, 5);
        lag("alldata.ingest", 3, 7);
        lag("alldata_ingest", 0, 5); // Kafka's deprecated duplicate of partition 0: must not count twice
        lag("alldata.acks", 0, 100);
        lag("alldata.ingest", 4, Double.NaN); // not fetched yet
        metric("records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", "c"), 1000.0);
        metric("records-lag", "other-group", Map.of("topic", "alldata.ingest", "partition", "1"), 1000.0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ConsumerLag("alldata.coordinator.ingest.lag", "test", () -> metrics, "alldata.ingest").bindTo(registry);
        assertThat(registry.get("alldata.coordinator.ingest.lag").tag("topic", "alldata.ingest").gauge().value())
                .isEqualTo(12);
    }

    @Test
    void noAssignedPartitionsIsNoLag() {
        assertThat(new ConsumerLag("x", "test", () -> metrics, "alldata.ingest").lag()).isZero();
    }
}
