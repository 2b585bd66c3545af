package alldata.sidecar.replica;

import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.ClockMarker;
import alldata.protocol.CommandFormat;
import alldata.protocol.ReplyBatch;
import alldata.protocol.ReplyTo;
import alldata.protocol.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns replica answers into records: per poll one {@link AckBatch} per ack partition (so each reaches the
 * coordinator task that owns the puts) and one {@link ReplyBatch} per node that asked for replies on its
 * command topic; and the coordinators' {@link ClockMarker}s. Sends never wait for the broker.
 */
public final class AckSender {
    private static final Logger log = LoggerFactory.getLogger(AckSender.class);
    /**
     * Largest answer record made, well under Kafka's default 1 MiB request and message limits: one poll
     * may answer many thousand puts (every command record carries a whole batch), and a record the broker
     * refuses would be refused again on every retry. Larger answer lists go out in several records.
     */
    static final int MAX_RECORD_BYTES = 512 * 1024;

    private final Producer<byte[], byte[]> producer;
    private final Topics topics;

    public AckSender(Producer<byte[], byte[]> producer, Topics topics) {
        this.producer = producer;
        this.topics = topics;
    }

    /**
     * Sends every answer of one poll, one record per route (more only past {@link #MAX_RECORD_BYTES});
     * does not wait. {@code delivered} hears about each record.
     *
     * @return the number of records sent
     */
    int send(Answers answers, Callback delivered) {
        int sent = 0;
        for (Map.Entry<ReplyTo, List<Ack>> route : answers.byRoute().entrySet()) {
            for (byte[] value : encode(route.getKey(), new AckBatch(answers.node(), route.getValue()))) {
                producer.send(record(route.getKey(), value), delivered);
                sent++;
            }
        }
        return sent;
    }

    private static List<byte[]> encode(ReplyTo route, AckBatch batch) {
        byte[] value = route instanceof ReplyTo.Node
                ? CommandFormat.encode(new ReplyBatch(batch))
                : AckFormat.encode(batch);
        if (value.length <= MAX_RECORD_BYTES || batch.acks().size() == 1) {
            return List.of(value);
        }
        int half = batch.acks().size() / 2;
        List<byte[]> values = new ArrayList<>(encode(route, new AckBatch(batch.node(), batch.acks().subList(0, half))));
        values.addAll(encode(route, new AckBatch(batch.node(), batch.acks().subList(half, batch.acks().size()))));
        return values;
    }

    private ProducerRecord<byte[], byte[]> record(ReplyTo route, byte[] value) {
        if (route instanceof ReplyTo.AckPartition p) {
            return new ProducerRecord<>(topics.acks(), p.partition(), null, value);
        }
        return new ProducerRecord<>(topics.commands(((ReplyTo.Node) route).node()), null, value);
    }

    /** Sends a clock marker stamped {@code nowMs} to partition {@code partition} of the ack topic. */
    public void sendClock(int partition, long nowMs) {
        producer.send(new ProducerRecord<>(topics.acks(), partition, null, AckFormat.encode(new ClockMarker(nowMs))),
                (md, e) -> {
                    if (e != null) {
                        log.warn("clock marker for ack partition {} not written ({}); the next one will be",
                                partition, e.toString());
                    }
                });
    }
}
