package alldata.sidecar.coordinator;

import alldata.core.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The coordinator's main consumer (handed to Kafka Streams through {@link CoordinatorClientSupplier}):
 * a plain KafkaConsumer that also honours the {@link IngestGate}. Kafka Streams has no way to pause one
 * source topic of a task, and blocking inside {@code process} would also stop the acks that drain the
 * puts; pausing the fetch of the held ingest partitions is the back-pressure that leaves acks flowing.
 *
 * <p>Streams pauses and resumes partitions itself (full buffers, restoration); a partition is fetched
 * only while neither Streams nor the gate holds it.
 */
final class GatedConsumer extends KafkaConsumer<byte[], byte[]> {
    private final IngestGate gate;
    private final Set<TopicPartition> pausedByStreams = new HashSet<>();
    private final Set<TopicPartition> pausedByGate = new HashSet<>();

    GatedConsumer(Map<String, Object> config, IngestGate gate) {
        super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.gate = gate;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        applyGate();
        long ms = gate.pollTimeoutMs(Clock.SYSTEM.nowMs(), timeout.toMillis());
        return super.poll(ms == timeout.toMillis() ? timeout : Duration.ofMillis(ms));
    }

    private void applyGate() {
        Set<TopicPartition> assigned = assignment();
        Set<TopicPartition> hold = new HashSet<>(gate.held());
        hold.retainAll(assigned);
        Set<TopicPartition> toPause = new HashSet<>(hold);
        toPause.removeAll(pausedByGate);
        Set<TopicPartition> toResume = new HashSet<>(pausedByGate);
        toResume.removeAll(hold);
        pausedByGate.removeIf(tp -> toResume.contains(tp) || !assigned.contains(tp));
        if (!toPause.isEmpty()) {
            super.pause(toPause);
            pausedByGate.addAll(toPause);
        }
        toResume.removeAll(pausedByStreams);
        toResume.retainAll(assigned);
        if (!toResume.isEmpty()) {
            super.resume(toResume);
        }
    }

    // at_least_once commits offsets through the main consumer: the gate learns which ingest records will never
    // be read again, which is when an outcome can be published without a replay reporting it differently

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        super.commitSync(offsets);
        gate.offsetsCommitted(positions(offsets));
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        super.commitSync(offsets, timeout);
        gate.offsetsCommitted(positions(offsets));
    }

    private static Map<TopicPartition, Long> positions(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        offsets.forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        pausedByStreams.addAll(partitions);
        super.pause(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        pausedByStreams.removeAll(partitions);
        Set<TopicPartition> free = new HashSet<>(partitions);
        free.removeAll(pausedByGate);
        if (!free.isEmpty()) {
            super.resume(free);
        }
    }
}
