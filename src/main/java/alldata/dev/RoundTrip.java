package alldata.dev;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Produce-to-consume round trips: events produced to one topic and timed until they are consumed from another
 * (the same topic for raw Kafka; in and out of a Streams hop for the floor), offered in a {@link LoadShape}.
 * The record key carries the event's intended send time, so the consumer needs no table of sent events.
 */
final class RoundTrip {
    private final String servers;
    private final LoadShape shape;
    private final Duration stall;

    RoundTrip(String servers, LoadShape shape, Duration stall) {
        this.servers = servers;
        this.shape = shape;
        this.stall = stall;
    }

    /** Produces {@code n} copies of {@code payload} to {@code in} and times each until it is read from {@code out}. */
    LoadResult run(String in, String out, byte[] payload, int n) throws Exception {
        PacedLoad load = new PacedLoad(shape);
        AtomicReference<Exception> produceError = new AtomicReference<>();
        // read_committed: what comes out of a transactional (exactly-once) hop counts once its transaction commits
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaProducer<byte[], byte[]> p = Bench.producer(servers);
             KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(out).stream().map(i -> new TopicPartition(out, i.partition())).toList();
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position); // resolve now, so that nothing sent from here on is skipped
            p.partitionsFor(in); // metadata before the clock starts
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                        load.done(ByteBuffer.wrap(r.key()).getLong(), System.nanoTime(), true);
                    }
                }
            }, "bench-round-trip-reader");
            reader.start();
            LoadResult result;
            try {
                result = load.run(n, (i, intended) -> p.send(new ProducerRecord<>(in, longToBytes(intended), payload), (md, e) -> {
                    if (e != null) {
                        produceError.compareAndSet(null, e);
                        load.done(intended, System.nanoTime(), false); // it will not come back: free its slot
                    }
                }), "topic " + out, stall);
            } finally {
                stop.set(true);
                reader.join(); // before the consumer closes: it is not thread-safe
            }
            if (produceError.get() != null) {
                throw new IllegalStateException("producing to " + in + " failed: " + produceError.get(), produceError.get());
            }
            return result;
        }
    }

    static byte[] longToBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }
}
