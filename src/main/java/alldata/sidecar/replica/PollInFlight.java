package alldata.sidecar.replica;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One poll of the command topic whose answers are on their way to the broker: where its records start
 * (to read them again if the answers are lost) and end (to commit once the answers are delivered).
 *
 * <p>The writer's loop creates it and reads it; the producer's I/O thread calls {@link #onCompletion}.
 */
final class PollInFlight implements Callback {
    private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private int records = -1;

    PollInFlight(ConsumerRecords<byte[], byte[]> polled) {
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> in = polled.records(tp);
            ConsumerRecord<byte[], byte[]> last = in.get(in.size() - 1);
            firstOffsets.put(tp, in.get(0).offset());
            nextOffsets.put(tp, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
        }
    }

    /** All answers of the poll are handed to the producer: {@code n} records. */
    void sent(int n) {
        records = n;
    }

    /** A send failed, or answering failed before everything was sent. */
    void fail(Exception e) {
        failure.compareAndSet(null, e);
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
        if (e != null) {
            fail(e);
        }
        delivered.incrementAndGet();
    }

    /** True once the broker has every answer record of the poll. */
    boolean answered() {
        return records >= 0 && delivered.get() >= records && failure.get() == null;
    }

    /** Why some answers of the poll may not have reached the broker, or null. */
    Exception failure() {
        return failure.get();
    }

    /** The first offset the poll read, per partition. */
    Map<TopicPartition, Long> firstOffsets() {
        return firstOffsets;
    }

    /** The positions after the poll, per partition: what to commit once it is answered. */
    Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
        return nextOffsets;
    }
}
