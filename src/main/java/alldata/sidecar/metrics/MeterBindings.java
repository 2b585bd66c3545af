package alldata.sidecar.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meter binders bound to one sidecar's registry (Micrometer's ready-made JVM, processor and Kafka
 * binders, and our own), and their undoing: {@link #close()} closes the binders that hold resources
 * (GC listeners, the Kafka binders' refresh) and removes every meter they registered, so that no meter
 * keeps a closed Kafka client or store reachable.
 */
public final class MeterBindings implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MeterBindings.class);
    /** How often the Kafka binders look for client metrics that appeared (e.g. per-partition lag after an assignment). */
    private static final Duration KAFKA_REFRESH = Duration.ofSeconds(15);

    private final MeterRegistry registry;
    private final ScheduledExecutorService kafkaRefresh;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    /**
     * Every meter registered since these bindings were made: binders also register meters later, from their own
     * threads (the GC binder at the first pause of each kind, the Kafka binders at each refresh), so a diff taken
     * around {@code bindTo} missed those and they outlived {@link #close()}. Concurrent, not guarded by this
     * object's lock: the registry calls the listener under its own lock, from any thread.
     */
    private final Set<Meter.Id> bound = ConcurrentHashMap.newKeySet();
    private volatile boolean recording = true;
    private boolean closed;

    public MeterBindings(MeterRegistry registry, String nodeId) {
        this.registry = registry;
        registry.config().onMeterAdded(m -> {
            if (recording) {
                bound.add(m.getId());
            }
        });
        // one thread for every Kafka binder of this sidecar; the binders leave an executor given to them running
        this.kafkaRefresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alldata-kafka-meters-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds {@code binder} and remembers what it registered, so that {@link #close()} can remove it. */
    public synchronized void bind(MeterBinder binder) {
        if (closed) {
            throw new IllegalStateException("meter bindings are closed");
        }
        if (binder instanceof AutoCloseable c) {
            closeables.push(c);
        }
        binder.bindTo(registry);
    }

    /** JVM memory, GC, threads, class loading, and the processor (CPU usage and load). */
    public void bindJvm() {
        bind(new JvmMemoryMetrics());
        bind(new JvmGcMetrics());
        bind(new JvmThreadMetrics());
        bind(new ClassLoaderMetrics());
        bind(new ProcessorMetrics());
    }

    /** Every metric of a Kafka producer, as {@code kafka.producer.*} meters. */
    public void bindKafkaClient(Producer<?, ?> producer) {
        bind(new KafkaClientMetrics(producer, List.of(), kafkaRefresh, KAFKA_REFRESH));
    }

    /** Every metric of a Kafka consumer, as {@code kafka.consumer.*} meters. */
    public void bindKafkaClient(Consumer<?, ?> consumer) {
        bind(new KafkaClientMetrics(consumer, List.of(), kafkaRefresh, KAFKA_REFRESH));
    }

    /** Every metric of a Kafka Streams instance and its clients, as {@code kafka.stream.*}, {@code kafka.consumer.*}, ... */
    public void bindKafkaStreams(KafkaStreams streams) {
        bind(new KafkaStreamsMetrics(streams, List.of(), kafkaRefresh, KAFKA_REFRESH));
    }

    /** Unbinds everything; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing meter binder {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        kafkaRefresh.shutdownNow();
        recording = false; // the binders are closed: nothing registers for them any more
        bound.forEach(registry::remove);
        bound.clear();
    }
}
