package alldata.sidecar.replica;

import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.ClockMarker;
import alldata.protocol.Topics;
import java.util.List;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes acks to the partition of the ack topic a command names, so that each ack reaches the
 * coordinator task that owns the put. Sends are asynchronous and batched by the producer.
 */
public final class AckSender {
    private static final Logger log = LoggerFactory.getLogger(AckSender.class);
    private static final Callback LOG_FAILURE = (md, e) -> {
        if (e != null) {
            log.warn("ack not written ({}); the coordinator will re-place the replica after its deadline", e.toString());
        }
    };

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    public AckSender(Producer<byte[], byte[]> producer, Topics topics) {
        this.producer = producer;
        this.topic = topics.acks();
    }

    /** Sends {@code ack} to partition {@code partition}; does not wait. */
    public void send(int partition, Ack ack) {
        producer.send(new ProducerRecord<>(topic, partition, null,
                AckFormat.encode(new AckBatch(ack.node(), List.of(ack)))), LOG_FAILURE);
    }

    /** Sends a clock marker stamped {@code nowMs} to partition {@code partition} of the ack topic. */
    public void sendClock(int partition, long nowMs) {
        producer.send(new ProducerRecord<>(topic, partition, null, AckFormat.encode(new ClockMarker(nowMs))), LOG_FAILURE);
    }

    /** Waits until everything sent so far is acknowledged by the broker. */
    public void flush() {
        producer.flush();
    }
}
