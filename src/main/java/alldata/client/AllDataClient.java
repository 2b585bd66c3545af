package alldata.client;

import alldata.core.CommitLevel;
import alldata.protocol.AllDataHeaders;
import alldata.protocol.ClientDefaults;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.OutcomeJson;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's {@code put(…, callback)} at cluster level: produces an event to the ingest topic with a
 * commit level and a fresh correlation id, and completes with the put's outcome read from the results
 * topic. Thread-safe; share one client.
 *
 * <p>The future completes normally with the {@link PutOutcome}, COMMITTED or FAILED (a FAILED outcome
 * carries its {@code error}); it completes exceptionally with a {@link TimeoutException} when no outcome
 * arrives within the client's timeout, or with the producer's error when the event could not be produced.
 */
public final class AllDataClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AllDataClient.class);
    /** How long a put waits for its outcome unless the client is given another timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Topics topics;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, CompletableFuture<PutOutcome>> waiting = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private final Thread reader;
    private volatile boolean running = true;

    /** A client of the cluster at {@code bootstrapServers} with default topics and timeout. */
    public static AllDataClient connect(String bootstrapServers) {
        return new AllDataClient(Map.of("bootstrap.servers", bootstrapServers), Topics.defaults(), DEFAULT_TIMEOUT);
    }

    /**
     * @param kafkaConfig Kafka client settings (bootstrap servers, security), passed to producer and consumer
     * @param topics      the cluster's topic names
     * @param timeout     how long a put waits for its outcome
     */
    public AllDataClient(Map<String, ?> kafkaConfig, Topics topics, Duration timeout) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        Map<String, Object> p = ClientDefaults.producer(kafkaConfig);
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        // outcomes are published in transactions: an aborted one's outcome is not an outcome
        this.consumer = new KafkaConsumer<>(ClientDefaults.resultsConsumer(kafkaConfig), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<TopicPartition> parts = consumer.partitionsFor(topics.results(), Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topics.results(), i.partition())).toList();
            if (parts.isEmpty()) {
                throw new IllegalStateException("topic " + topics.results() + " does not exist: start a sidecar first");
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30))); // resolve now, before any put
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            producer.close(Duration.ZERO);
            throw e;
        }
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "alldata-client-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.reader = daemon(this::readResults, "alldata-client-results");
        this.reader.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Puts at the sidecars' default commit level. */
    public CompletableFuture<PutOutcome> put(byte[] event) {
        return put(event, null);
    }

    /** Puts {@code event} (a JSON object) at {@code level} ({@code null}: the sidecars' default). */
    public CompletableFuture<PutOutcome> put(byte[] event, CommitLevel level) {
        return put(null, event, level == null ? null : level.name());
    }

    /** Puts a JSON object given as text. */
    public CompletableFuture<PutOutcome> put(String json, CommitLevel level) {
        return put(json.getBytes(StandardCharsets.UTF_8), level);
    }

    /** The seed's callback style: {@code callback} gets the outcome, or the error. */
    public void put(byte[] event, CommitLevel level, BiConsumer<PutOutcome, Throwable> callback) {
        put(event, level).whenComplete(callback);
    }

    /**
     * Puts raw bytes with a raw commit-level header value (the CLI passes what the user typed, so that
     * the sidecar, not the client, judges it).
     *
     * @param key        the ingest record key, or {@code null}
     * @param event      the event bytes
     * @param levelValue the {@code alldata-commit-level} header value, or {@code null} for none
     */
    public CompletableFuture<PutOutcome> put(byte[] key, byte[] event, String levelValue) {
        String correlationId = UUID.randomUUID().toString();
        CompletableFuture<PutOutcome> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("client is closed"));
            return result;
        }
        waiting.put(correlationId, result);
        var timeoutTask = timer.schedule(() -> {
            if (waiting.remove(correlationId) != null) {
                result.completeExceptionally(new TimeoutException("no outcome for correlation id " + correlationId
                        + " within " + timeout.toMillis() + " ms: are sidecars running and consuming "
                        + topics.ingest() + "?"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((o, e) -> timeoutTask.cancel(false));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.ingest(), key, event);
        record.headers().add(AllDataHeaders.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        if (levelValue != null) {
            record.headers().add(AllDataHeaders.COMMIT_LEVEL, levelValue.getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(record, (md, e) -> {
                if (e != null && waiting.remove(correlationId) != null) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            waiting.remove(correlationId);
            result.completeExceptionally(e);
        }
        return result;
    }

    private void readResults() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.key() == null) {
                        continue;
                    }
                    CompletableFuture<PutOutcome> f = waiting.remove(new String(r.key(), StandardCharsets.UTF_8));
                    if (f != null) {
                        try {
                            f.complete(OutcomeJson.decode(r.value()));
                        } catch (MalformedRecordException e) {
                            f.completeExceptionally(e);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("result reader stopped: {}; pending puts will time out", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Sends every event produced so far to Kafka now; returns once they are written (or failed). */
    public void flush() {
        producer.flush();
    }

    /** Number of puts waiting for their outcome. */
    public int inFlight() {
        return waiting.size();
    }

    /** Flushes the producer; waiting puts fail with "client is closed". */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        producer.flush();
        running = false;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        timer.shutdownNow();
        waiting.forEach((id, f) -> f.completeExceptionally(new IllegalStateException("client closed before the outcome of " + id)));
        waiting.clear();
    }
}
