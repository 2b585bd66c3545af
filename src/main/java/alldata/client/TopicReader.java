package alldata.client;

import alldata.core.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic, from the beginning to the end it has when the read starts, with no consumer group.
 * Reads {@code read_committed} unless told otherwise: outcomes are published in transactions, and the
 * records of an aborted transaction never happened.
 */
public final class TopicReader {
    private TopicReader() {
    }

    /**
     * @param config  Kafka client settings (bootstrap servers, security)
     * @param topic   the topic
     * @param timeout how long the whole read may take
     * @throws IllegalStateException when the topic does not exist or cannot be read to its end in time
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(Map<String, Object> config, String topic, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<String, Object> settings = new HashMap<>(config);
        settings.putIfAbsent("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (parts.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist at " + config.get("bootstrap.servers"));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = Clock.SYSTEM.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (Clock.SYSTEM.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
