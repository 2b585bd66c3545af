package alldata.sidecar.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * A gauge of how many records of one topic a consumer has yet to read: the sum of the Kafka consumer's
 * own {@code records-lag} over the partitions of that topic it is assigned (0 when it has none). It reads
 * the client's metrics on each scrape, so it is current as of the consumer's last fetch.
 */
public final class ConsumerLag implements MeterBinder {
    private static final String GROUP = "consumer-fetch-manager-metrics";
    private static final String LAG = "records-lag";

    private final String meterName;
    private final String description;
    private final Supplier<? extends Map<MetricName, ? extends Metric>> metrics;
    private final String topic;

    /**
     * @param metrics the consumer's metrics ({@code KafkaConsumer::metrics} or {@code KafkaStreams::metrics}: both
     *                are safe to read from any thread)
     */
    public ConsumerLag(String meterName, String description, Supplier<? extends Map<MetricName, ? extends Metric>> metrics,
                String topic) {
        this.meterName = Objects.requireNonNull(meterName, "meterName");
        this.description = Objects.requireNonNull(description, "description");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /** Records of the topic not yet read, summed over the assigned partitions. */
    double lag() {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.get().entrySet()) {
            MetricName n = e.getKey();
            // exact topic name: Kafka also reports each partition under a deprecated name with '.' as '_'
            if (n.name().equals(LAG) && n.group().equals(GROUP) && topic.equals(n.tags().get("topic"))
                    && e.getValue().metricValue() instanceof Number v && !Double.isNaN(v.doubleValue())) {
                sum += v.doubleValue();
            }
        }
        return sum;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(meterName, this, ConsumerLag::lag).description(description).baseUnit("records")
                .tag("topic", topic).strongReference(true).register(registry);
    }
}
