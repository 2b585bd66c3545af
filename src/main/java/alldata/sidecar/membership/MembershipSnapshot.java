package alldata.sidecar.membership;

import alldata.core.Clock;
import alldata.protocol.MembershipTable;
import alldata.sidecar.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The membership topic read once to its end, folded into a {@link MembershipTable}. */
public final class MembershipSnapshot {
    private MembershipSnapshot() {
    }

    /**
     * Reads the whole membership topic of {@code config}; unreadable records are skipped (the agent logs them when
     * it follows the topic).
     *
     * @throws IllegalStateException when it cannot be read to its end within {@code timeout}
     */
    public static MembershipTable read(KafkaClients config, Duration timeout) {
        Map<String, Object> props = config.kafkaClientConfig();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "alldata-membership-snapshot-" + config.nodeId());
        String topic = config.topics().membership();
        MembershipTable table = MembershipTable.empty();
        long deadline = Clock.SYSTEM.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (Clock.SYSTEM.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    table = table.applyRaw(r.key(), r.value());
                }
            }
        }
        return table;
    }
}
