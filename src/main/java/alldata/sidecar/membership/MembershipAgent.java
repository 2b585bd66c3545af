package alldata.sidecar.membership;

import alldata.core.Clock;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MemberRecord;
import alldata.protocol.MembershipTable;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * member. A clean {@link #close()} writes LEAVING: the node stays a member that is not live (a stopped
 * node is down, not gone, and repair waits {@code repair.delay.ms} before it replaces its replicas). Only
 * {@link #leaveForGood()} (the end of a decommission) and an operator's {@link #drop} write a tombstone.
 *
 * <p>Each heartbeat carries the node's incarnation (the id of its store) and when that store started empty,
 * so that peers see a node that came back with an empty disk and refill it. A record for this node id with
 * another incarnation means a second process claims the id: it is logged as an error.
 *
 * <p>While this node cannot take replicas (its replica store refuses writes: a full or failed disk, and
 * RocksDB stays read-only until it is reopened; or its replica writer is failing), the heartbeat says
 * LEAVING instead of UP, so that coordinators stop choosing this node for replicas rather than losing a
 * round trip (or a deadline) on every put.
 */
public final class MembershipAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MembershipAgent.class);

    private final MembershipSettings config;
    private final Producer<byte[], byte[]> producer;
    private final PeerDirectory directory;
    private final Clock clock;
    private final MemberRecord self;
    private final Supplier<Optional<String>> cannotTakeReplicas;
    private volatile MemberRecord.State announced = MemberRecord.State.UP;
    private volatile boolean draining;
    /** Counted down once the topic has been read to its end. */
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private boolean impostorReported;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile boolean loopHealthy;

    /**
     * @param cannotTakeReplicas why this node cannot take replicas now (what an operator should know and do), or
     *                           empty while it can
     * @param incarnation        the id of this node's store
     * @param incarnationStartMs when that store started empty (0: it holds everything it was sent)
     */
    public MembershipAgent(MembershipSettings config, String httpAddress, Producer<byte[], byte[]> producer,
                           PeerDirectory directory, Clock clock, Supplier<Optional<String>> cannotTakeReplicas,
                           String incarnation, long incarnationStartMs) {
        this.config = config;
        this.cannotTakeReplicas = cannotTakeReplicas;
        this.producer = producer;
        this.directory = directory;
        this.clock = clock;
        this.self = new MemberRecord(config.nodeId(), config.zone(), config.region(),
                config.topics().commands(config.nodeId()), httpAddress, MemberRecord.State.UP, clock.nowMs(),
                config.https(), incarnation, incarnationStartMs);
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

    /**
     * True once the agent has read the membership topic to the end at least once: before that, the directory
     * does not know every member yet (and repair must not take an unknown node for a lost one).
     */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Waits at most {@code timeoutMs} until {@link #caughtUp()}; true when it is. */
    public boolean awaitCaughtUp(long timeoutMs) throws InterruptedException {
        return caughtUp.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Announces DRAINING (this node is being decommissioned: no new replicas) instead of UP from the next heartbeat. */
    public void drain() {
        if (!draining) {
            draining = true;
            log.info("{} announces DRAINING: peers stop placing replicas on it while it moves its replicas away",
                    config.nodeId());
        }
    }

    /** Whether this node announces DRAINING. */
    public boolean draining() {
        return draining;
    }

    private void run() {
        String topic = config.topics().membership();
        long nextBeat = clock.nowMs() + config.heartbeatMs();
        try {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    apply(r);
                }
                loopHealthy = true;
                if (!caughtUp() && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
                long now = clock.nowMs();
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

    /**
     * UP; LEAVING while this node cannot take replicas (said once, loudly, when it starts); DRAINING while it is
     * decommissioned.
     */
    private MemberRecord.State currentState() {
        Optional<String> failure = cannotTakeReplicas.get();
        if (failure.isPresent() && announced != MemberRecord.State.LEAVING) {
            log.error("{} now announces LEAVING so that peers stop placing replicas on it: {}", config.nodeId(),
                    failure.get());
        } else if (failure.isEmpty() && announced == MemberRecord.State.LEAVING) {
            log.info("{} takes replicas again and announces {}", config.nodeId(), draining ? "DRAINING" : "UP");
        }
        if (failure.isPresent()) {
            return MemberRecord.State.LEAVING;
        }
        return draining ? MemberRecord.State.DRAINING : MemberRecord.State.UP;
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        MembershipTable.Entry entry;
        try {
            entry = MembershipTable.decode(r.key(), r.value());
        } catch (MalformedRecordException e) {
            log.warn("membership record at {}-{} ignored: {}", r.partition(), r.offset(), e.getMessage());
            return;
        }
        MemberRecord record = entry.record();
        if (record != null && entry.node().equals(config.nodeId()) && record.incarnation() != null
                && self.incarnation() != null && !record.incarnation().equals(self.incarnation())
                && record.heartbeatMs() > self.heartbeatMs() && !impostorReported) {
            impostorReported = true;
            log.error("another process heartbeats as {} (incarnation {}, HTTP {}); this one is incarnation {}: two "
                    + "sidecars share one node id; stop one of them", entry.node(), record.incarnation(), record.http(),
                    self.incarnation());
            return; // our own view of ourselves stays ours
        }
        directory.apply(entry.node(), record);
    }

    private void heartbeat(MemberRecord.State state) {
        announced = state;
        MemberRecord record = self.withState(state, clock.nowMs());
        directory.applyOwn(record); // we know our own state before the topic echoes it
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
     * Announces LEAVING and stops following the topic: the node stays a member, not live. An agent that was
     * never started announces nothing: a sidecar that failed to start never joined.
     */
    @Override
    public void close() {
        stop();
    }

    /**
     * The end of a decommission: stops heartbeating, then writes this node's tombstone, so that every peer
     * forgets it for good.
     *
     * @throws Exception when the tombstone could not be written (the caller retries)
     */
    public void leaveForGood() throws Exception {
        stop();
        drop(producer, config.topics(), config.nodeId());
        directory.apply(config.nodeId(), null);
        log.info("{} wrote its tombstone to {}: it is no longer a member", config.nodeId(), config.topics().membership());
    }

    private void stop() {
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
            heartbeat(MemberRecord.State.LEAVING); // closing the shared producer later delivers it
        } catch (RuntimeException e) {
            log.warn("could not write the LEAVING record of {}: {}", config.nodeId(), e.toString());
        }
    }
}
