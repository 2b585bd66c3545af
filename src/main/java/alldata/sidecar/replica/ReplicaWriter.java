package alldata.sidecar.replica;

import alldata.protocol.Ack;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.PutCommand;
import alldata.protocol.Wire;
import alldata.sidecar.SidecarConfig;
import alldata.sidecar.SidecarMetrics;
import alldata.store.ReplicaMeta;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import alldata.store.WriteOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the replicas other coordinators ask this node for. Per poll: one RocksDB write batch with one
 * WAL sync (group commit), then the acks (sent asynchronously, flushed once), then the offsets.
 * A command that cannot be decoded is logged, counted and skipped: no record stops the loop.
 */
public final class ReplicaWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaWriter.class);

    private final SidecarConfig config;
    private final RocksReplicaStore store;
    private final AckSender acks;
    private final SidecarMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean loopHealthy;

    public ReplicaWriter(SidecarConfig config, RocksReplicaStore store, AckSender acks, SidecarMetrics metrics) {
        this.config = config;
        this.store = store;
        this.acks = acks;
        this.metrics = metrics;
        Map<String, Object> props = config.kafkaClientConfig();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(config));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId(config));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        // a short fetch wait: commands are latency-critical (see CoordinatorTopology)
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "alldata-replica-writer-" + config.nodeId());
        this.thread.setDaemon(true);
    }

    /** The consumer group of {@code config}'s node: {@code alldata-replica-<id>} with the default prefix. */
    public static String groupId(SidecarConfig config) {
        return config.topics().prefix().replace('.', '-') + "replica-" + config.nodeId();
    }

    public void start() {
        thread.start();
    }

    /**
     * The command consumer, for metric binders only: they read its {@code metrics()}, which is safe from any
     * thread; nothing else of it may be used outside the writer's loop.
     */
    public Consumer<?, ?> consumerForMetrics() {
        return consumer;
    }

    /** True while the loop runs (store failures are the store's to report: {@link RocksReplicaStore#writeFailure()}). */
    public boolean healthy() {
        return loopHealthy && thread.isAlive();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(config.topics().commands(config.nodeId())));
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                loopHealthy = true;
                if (!records.isEmpty()) {
                    handle(records);
                    commit();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            loopHealthy = false;
            log.error("replica writer of {} stopped: {}; restart the sidecar", config.nodeId(), e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void commit() {
        try {
            consumer.commitSync();
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partitions moved on; the next owner re-delivers, and writes are idempotent
            log.info("offset commit of {} skipped during a rebalance: {}", config.nodeId(), e.getMessage());
        }
    }

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        List<PutCommand> commands = new ArrayList<>(records.count());
        List<ReplicaWrite> writes = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                PutCommand c = Wire.decodeCommand(r.value());
                commands.add(c);
                writes.add(new ReplicaWrite(c.key(), c.event(), new ReplicaMeta(c.replicas(), c.coordinator(), 0)));
            } catch (MalformedRecordException e) {
                metrics.malformedCommand();
                log.warn("skipping malformed command at {}-{} offset {}: {}", r.topic(), r.partition(), r.offset(),
                        e.getMessage());
            }
        }
        if (commands.isEmpty()) {
            return;
        }
        List<WriteOutcome> outcomes;
        try {
            outcomes = store.write(writes);
        } catch (RuntimeException e) {
            log.error("store of {} failed for {} replicas: {}; acking ERROR so coordinators re-place them",
                    config.nodeId(), writes.size(), e.getMessage());
            for (PutCommand c : commands) {
                acks.send(c.ackPartition(), new Ack(c.key(), config.nodeId(), Ack.Status.ERROR, e.getMessage()));
            }
            acks.flush();
            return;
        }
        int stored = 0;
        for (int i = 0; i < commands.size(); i++) {
            PutCommand c = commands.get(i);
            WriteOutcome o = outcomes.get(i);
            if (o == WriteOutcome.CONFLICT) {
                metrics.conflict();
                acks.send(c.ackPartition(), Ack.conflict(c.key(), config.nodeId()));
            } else {
                stored += o == WriteOutcome.STORED ? 1 : 0;
                acks.send(c.ackPartition(), Ack.ok(c.key(), config.nodeId()));
            }
        }
        metrics.replicaWrites(stored);
        acks.flush();
    }

    @Override
    public void close() {
        running = false;
        if (!thread.isAlive()) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
