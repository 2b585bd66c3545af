package alldata.sidecar.membership;

import alldata.protocol.MalformedRecordException;
import alldata.protocol.MemberRecord;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.sidecar.SidecarConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats this node into the compacted membership topic and keeps the {@link PeerDirectory} from
 * it. The topic is read whole from the beginning with no consumer group, so every node sees every
 * member. A clean {@link #close()} writes LEAVING and then a tombstone.
 *
 * <p>While this node cannot take replicas (its replica store refuses writes: a full or failed disk, and
 * RocksDB stays read-only until it is reopened; or its replica writer is failing), the heartbeat says
 * LEAVING instead of UP, so that coordinators stop choosing this node for replicas rather than losing a
 * round trip (or a deadline) on every put.
 */
public final class MembershipAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MembershipAgent.class);

    private final SidecarConfig config;
    private final Producer<byte[], byte[]> producer;
    private final PeerDirectory directory;
    private final LongSupplier clock;
    private final MemberRecord self;
    private final Supplier<Optional<String>> cannotTakeReplicas;
    private volatile MemberRecord.State announced = MemberRecord.State.UP;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile boolean loopHealthy;

    /**
     * @param cannotTakeReplicas why this node cannot take replicas now (what an operator should know and do), or
     *                           empty while it can
     */
    public MembershipAgent(SidecarConfig config, String httpAddress, Producer<byte[], byte[]> producer,
                           PeerDirectory directory, LongSupplier clock, Supplier<Optional<String>> cannotTakeReplicas) {
        this.config = config;
        this.cannotTakeReplicas = cannotTakeReplicas;
        this.producer = producer;
        this.directory = directory;
        this.clock = clock;
        this.self = new MemberRecord(config.nodeId(), config.zone(), config.region(),
                config.topics().commands(config.nodeId()), httpAddress, MemberRecord.State.UP, clock.getAsLong(),
                config.get(SidecarConfig.HTTP_TLS_KEYSTORE_PATH).isPresent());
        Map<String, Object> props = config.kafkaClientConfig();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "alldata-membership-" + config.nodeId());
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "alldata-membership-" + config.nodeId());
        this.thread.setDaemon(true);
    }

    /** Sends the first heartbeat and starts following the topic. */
    public void start() {
        started = true;
        heartbeat(MemberRecord.State.UP);
        thread.start();
    }

    /**
     * The membership consumer, for metric binders only: they read its {@code metrics()}, which is safe from
     * any thread; nothing else of it may be used outside the agent's loop.
     */
    public Consumer<?, ?> consumerForMetrics() {
        return consumer;
    }

    /** True while the agent's loop runs without errors. */
    public boolean healthy() {
        return loopHealthy && thread.isAlive();
    }

    private void run() {
        String topic = config.topics().membership();
        long nextBeat = clock.getAsLong() + config.heartbeatMs();
        try {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    apply(r);
                }
                loopHealthy = true;
                long now = clock.getAsLong();
                MemberRecord.State state = currentState();
                if ((now >= nextBeat || state != announced) && running) {
                    heartbeat(state);
                    nextBeat = now + config.heartbeatMs();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            loopHealthy = false;
            log.error("membership loop of {} stopped: {}; this node will look dead to its peers until restarted",
                    config.nodeId(), e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** UP, or LEAVING while this node cannot take replicas (said once, loudly, when it starts). */
    private MemberRecord.State currentState() {
        Optional<String> failure = cannotTakeReplicas.get();
        if (failure.isPresent() && announced == MemberRecord.State.UP) {
            log.error("{} now announces LEAVING so that peers stop placing replicas on it: {}", config.nodeId(),
                    failure.get());
        } else if (failure.isEmpty() && announced == MemberRecord.State.LEAVING) {
            log.info("{} takes replicas again and announces UP", config.nodeId());
        }
        return failure.isPresent() ? MemberRecord.State.LEAVING : MemberRecord.State.UP;
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            log.warn("membership record without a key at {}-{} ignored", r.partition(), r.offset());
            return;
        }
        String node = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            directory.apply(node, null);
            return;
        }
        try {
            directory.apply(node, Wire.decode(r.value(), MemberRecord.class));
        } catch (MalformedRecordException e) {
            log.warn("membership record for {} at offset {} ignored: {}", node, r.offset(), e.getMessage());
        }
    }

    private void heartbeat(MemberRecord.State state) {
        announced = state;
        MemberRecord record = self.withState(state, clock.getAsLong());
        directory.apply(record.node(), record); // we know our own state before the topic echoes it
        producer.send(new ProducerRecord<>(config.topics().membership(),
                config.nodeId().getBytes(StandardCharsets.UTF_8), Wire.encode(record)), (md, e) -> {
            if (e != null) {
                log.warn("heartbeat of {} not written: {}", config.nodeId(), e.toString());
            }
        });
    }

    /** Writes a tombstone for {@code nodeId} (operators' {@code peers drop}). */
    public static void drop(Producer<byte[], byte[]> producer, Topics topics, String nodeId) throws Exception {
        producer.send(new ProducerRecord<>(topics.membership(), nodeId.getBytes(StandardCharsets.UTF_8), null))
                .get(30, TimeUnit.SECONDS);
    }

    /**
     * Announces LEAVING, then writes this node's tombstone, and stops following the topic. An agent that
     * was never started announces nothing: a sidecar that failed to start never joined.
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        if (thread.isAlive()) {
            consumer.wakeup();
        } else {
            consumer.close(Duration.ZERO);
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            heartbeat(MemberRecord.State.LEAVING);
            drop(producer, config.topics(), config.nodeId());
            directory.apply(config.nodeId(), null);
        } catch (Exception e) {
            log.warn("could not write the LEAVING record and tombstone of {}: {}", config.nodeId(), e.toString());
        }
    }
}
