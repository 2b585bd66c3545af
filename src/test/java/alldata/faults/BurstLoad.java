package alldata.faults;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A bursty, unpaced producer as users run one: bursts of events sent as fast as the client goes, one
 * burst every {@code gapMs}; Kafka's producer defaults, no key, no headers (as kcat produces). Runs on its own thread
 * so that a scenario's faults happen while the load flows; a scenario times its faults by the bursts sent.
 */
final class BurstLoad implements AutoCloseable {
    private final Thread thread;
    private final AtomicInteger burstsSent = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final int bursts;

    private BurstLoad(String bootstrap, String topic, int events, int burst, long gapMs) {
        this.bursts = (events + burst - 1) / burst;
        this.thread = new Thread(() -> run(bootstrap, topic, events, burst, gapMs), "burst-load");
        thread.setDaemon(true);
    }

    /** Starts sending {@code events} in bursts of {@code burst}, one every {@code gapMs}. */
    static BurstLoad start(String bootstrap, String topic, int events, int burst, long gapMs) {
        BurstLoad load = new BurstLoad(bootstrap, topic, events, burst, gapMs);
        load.thread.start();
        return load;
    }

    /** Whether a produced value is one of this load's events. */
    static boolean isLoad(byte[] value) {
        return value != null && new String(value, StandardCharsets.UTF_8).startsWith("{\"load\":");
    }

    private void run(String bootstrap, String topic, int events, int burst, long gapMs) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "delivery.timeout.ms", 300_000);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int b = 0, sent = 0; sent < events; b++) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(b * gapMs);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the gap between bursts is the load's shape, not a wait for a result
                }
                for (int i = 0; i < burst && sent < events; i++, sent++) {
                    p.send(new ProducerRecord<>(topic, ("{\"load\":" + sent + "}").getBytes(StandardCharsets.UTF_8)));
                }
                burstsSent.incrementAndGet();
            }
            p.flush();
        } catch (Exception e) {
            failure.set(e);
        }
    }

    /** Bursts handed to the producer so far. */
    int burstsSent() {
        return burstsSent.get();
    }

    int bursts() {
        return bursts;
    }

    /** Waits until {@code count} bursts (at most all of them) were sent: faults are timed by the load, not the clock. */
    void awaitBursts(int count) {
        org.awaitility.Awaitility.await("burst " + count + " sent").atMost(java.time.Duration.ofMinutes(5))
                .pollInterval(java.time.Duration.ofMillis(50)).until(() -> burstsSent() >= Math.min(count, bursts));
    }

    /** Waits until every event is acknowledged by the broker; rethrows what stopped the load. */
    void awaitSent() throws Exception {
        thread.join(TimeUnit.MINUTES.toMillis(10));
        if (failure.get() != null) {
            throw failure.get();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("the load did not finish within 10 minutes");
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
