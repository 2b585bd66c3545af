package alldata.protocol;

import alldata.core.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A whole topic read once, from the beginning to the end it has when the read starts, with no consumer group:
 * the one loop behind the tools' topic reads and a sidecar's membership snapshot.
 */
public final class TopicToEnd {
    private TopicToEnd() {
    }

    /**
     * Hands every record of {@code topic} to {@code each}, in partition order within each partition.
     *
     * @param config  consumer settings, used as given (isolation level included)
     * @param timeout how long the whole read may take
     * @return the topic's partitions: 0 when it does not exist (nothing was read)
     * @throws IllegalStateException when the topic cannot be read to its end within {@code timeout}
     */
    public static int read(Map<String, Object> config, String topic, Duration timeout,
                           Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long deadline = Clock.SYSTEM.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (Clock.SYSTEM.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
                }
                c.poll(Duration.ofMillis(200)).forEach(each);
            }
            return parts.size();
        }
    }
}
