package alldata.sidecar.coordinator;

import alldata.core.AllDataKey;
import alldata.core.CommitLevel;
import alldata.core.PendingPut;
import alldata.core.Placement;
import alldata.core.PutAction;
import alldata.core.ReplicaFailure;
import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.AckRecord;
import alldata.protocol.ClockMarker;
import alldata.protocol.CommandFormat;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.PutOutcome;
import alldata.protocol.ReplicaMeta;
import alldata.protocol.ReplyTo;
import alldata.protocol.Wire;
import alldata.sidecar.SidecarConfig;
import alldata.sidecar.SidecarMetrics;
import alldata.sidecar.membership.PeerDirectory;
import alldata.sidecar.replica.AckSender;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import alldata.store.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator of one ingest partition (one Streams task): turns ingest records into puts and acks
 * into progress, driving the core's {@link PendingPut} and carrying out its actions on Kafka.
 *
 * <p>Ingest partition p and ack partition p land on the same task. Every put's state lives in the
 * changelogged {@code pending-puts} store, mirrored in memory with an index of deadlines that a
 * wall-clock punctuator checks every 100 ms. Bad input never stalls the partition: it gets a FAILED
 * result and a dead-letter record.
 */
final class CoordinatorProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorProcessor.class);

    static final String STORE = "pending-puts";
    static final long CHECK_INTERVAL_MS = 100;
    /** How often local replica outcomes are applied when no record arrives to apply them sooner. */
    static final long LOCAL_DRAIN_INTERVAL_MS = 10;
    /** How often a task stamps its ack partition with a clock marker. */
    static final long CLOCK_INTERVAL_MS = 200;
    static final String COMMANDS_SINK = "commands-sink";
    static final String RESULTS_SINK = "results-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";
    /** Header naming the node a command goes to; the commands sink routes on it. */
    static final String DESTINATION_HEADER = "alldata-destination";
    static final String COMMIT_LEVEL_HEADER = "alldata-commit-level";
    static final String CORRELATION_HEADER = "alldata-correlation-id";

    private final SidecarConfig config;
    private final PeerDirectory peers;
    private final RocksReplicaStore localStore;
    private final AckSender acks;
    private final SidecarMetrics metrics;
    private final PendingEntryCodec codec = new PendingEntryCodec();

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private final Map<String, PendingEntry> pending = new HashMap<>();
    /** Deadlines by time; an entry is current only while it matches {@code indexed}. */
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();
    private final Map<String, Long> indexed = new HashMap<>();
    /**
     * Replica deadlines are judged against the newest clock marker this task has read back from its own
     * ack partition, not against the wall clock alone: a marker stamped T is read only after every ack
     * appended before it, so "deadline passed" means "no ack arrived by then", even when the task was
     * stalled, overloaded or just restored. Until a marker comes back nothing times out.
     */
    private long ackClockMs = Long.MIN_VALUE;
    private long lastClockSentMs;
    /**
     * Answers of local replica writes: completed on the store's group-commit thread, applied on the
     * stream thread like any ack. The local replica needs no ack record through Kafka; if the task moves
     * before an answer is applied, the next owner re-sends the command (see {@link #resendRestored}).
     */
    private final Queue<Ack> localAcks = new ConcurrentLinkedQueue<>();
    /** Puts restored with replicas still running: their commands are sent again at the first punctuation. */
    private List<String> restoredRunning = List.of();

    private record Deadline(long atMs, String key) implements Comparable<Deadline> {
        @Override
        public int compareTo(Deadline o) {
            return Long.compare(atMs, o.atMs);
        }
    }

    CoordinatorProcessor(SidecarConfig config, PeerDirectory peers, RocksReplicaStore localStore, AckSender acks,
                         SidecarMetrics metrics) {
        this.config = config;
        this.peers = peers;
        this.localStore = localStore;
        this.acks = acks;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        // puts restored from the changelog (a task that moved here, or a restart) resume where they were
        List<String> running = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                try {
                    PendingEntry e = codec.decode(kv.value);
                    pending.put(kv.key, e);
                    index(e);
                    if (e.put().running() > 0) {
                        running.add(kv.key);
                    }
                } catch (MalformedRecordException ex) {
                    log.error("dropping corrupt pending put {}: {}", kv.key, ex.getMessage());
                    store.delete(kv.key);
                }
            }
        }
        restoredRunning = running;
        metrics.pendingDelta(pending.size());
        if (!pending.isEmpty()) {
            log.info("task {} resumed {} pending puts", context.taskId(), pending.size());
        }
        context.schedule(Duration.ofMillis(CHECK_INTERVAL_MS), PunctuationType.WALL_CLOCK_TIME, this::checkDeadlines);
        context.schedule(Duration.ofMillis(LOCAL_DRAIN_INTERVAL_MS), PunctuationType.WALL_CLOCK_TIME, now -> drainLocal());
    }

    /**
     * The acks of replicas started by an earlier owner may have been applied there and never
     * changelogged, or never sent: ask those nodes again. Writes are idempotent, so a node that holds the
     * event answers OK at once instead of the put waiting out the replica timeout.
     */
    private void resendRestored() {
        List<String> keys = restoredRunning;
        restoredRunning = List.of();
        for (String key : keys) {
            PendingEntry entry = pending.get(key);
            if (entry == null) {
                continue;
            }
            List<PutAction> again = new ArrayList<>();
            for (PendingPut.Replica r : entry.put().replicas()) {
                if (r.state() == PendingPut.ReplicaState.RUNNING) {
                    again.add(new PutAction.StartReplica(r.node(), r.attempt(), null));
                }
            }
            apply(entry, new PendingPut.Transition(entry.put(), again));
        }
        if (!keys.isEmpty()) {
            log.info("task {} asked the replicas of {} resumed puts again", context.taskId(), keys.size());
        }
    }

    /** Applies the local replica answers that completed since the last call. */
    private void drainLocal() {
        Ack ack;
        while ((ack = localAcks.poll()) != null) {
            onReplicaAnswer(ack);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        drainLocal();
        RecordMetadata md = context.recordMetadata().orElseThrow();
        if (md.topic().equals(config.topics().acks())) {
            onAck(record, md);
        } else {
            onIngest(record, md);
        }
    }

    private void onIngest(Record<byte[], byte[]> record, RecordMetadata md) {
        int partition = md.partition();
        long offset = md.offset();
        metrics.ingestLag(System.currentTimeMillis() - record.timestamp());
        String correlationId = correlationId(record, partition, offset);
        CommitLevel level = null;
        byte[] event;
        try {
            String levelHeader = header(record.headers(), COMMIT_LEVEL_HEADER);
            level = levelHeader == null ? config.commitLevel() : CommitLevel.parse(levelHeader);
            byte[] value = record.value();
            if (value != null && value.length > config.maxEventBytes()) {
                throw new MalformedRecordException("event is " + value.length + " bytes, over max.event.bytes "
                        + config.maxEventBytes());
            }
            event = Wire.eventObject(value);
        } catch (MalformedRecordException | IllegalArgumentException e) {
            reject(record, md, correlationId, level, e.getMessage());
            return;
        }
        String key = AllDataKey.ingest(Math.max(0, record.timestamp()), partition, offset).value();
        if (pending.containsKey(key)) {
            log.debug("ingest {}-{} delivered again while its put {} runs; ignored", partition, offset, key);
            return;
        }
        List<Placement.Candidate> live = peers.liveCandidates();
        Placement plan = Placement.plan(config.nodeId(), key, live, config.strategy());
        long now = System.currentTimeMillis();
        PendingPut.Transition t = PendingPut.start(key, event, plan, level,
                config.strategy().replicationFactor(), config.replicaTimeoutMs(), now);
        PendingEntry entry = new PendingEntry(t.put(), correlationId, partition, offset, now);
        metrics.pendingDelta(1);
        apply(entry, t);
    }

    private void onAck(Record<byte[], byte[]> record, RecordMetadata md) {
        AckRecord decoded;
        try {
            decoded = AckFormat.decode(record.value());
        } catch (MalformedRecordException e) {
            log.warn("skipping malformed ack at {}-{}: {}", md.partition(), md.offset(), e.getMessage());
            return;
        }
        if (decoded instanceof ClockMarker c) {
            ackClockMs = Math.max(ackClockMs, c.wallClockMs());
            return;
        }
        metrics.ackLag(System.currentTimeMillis() - record.timestamp());
        for (Ack ack : ((AckBatch) decoded).acks()) {
            onReplicaAnswer(ack);
        }
    }

    /** Advances the put a replica answered for, whether the answer came through the ack topic or from the local store. */
    private void onReplicaAnswer(Ack ack) {
        PendingEntry entry = pending.get(ack.key());
        if (entry == null) {
            log.debug("ack from {} for {} after its put finished; ignored", ack.node(), ack.key());
            return;
        }
        long now = System.currentTimeMillis();
        PendingPut.Transition t = switch (ack.status()) {
            case OK -> entry.put().stored(ack.node(), now);
            case CONFLICT -> {
                metrics.conflict();
                yield entry.put().failed(ack.node(), ReplicaFailure.CONFLICT, ack.message(), now);
            }
            case ERROR -> entry.put().failed(ack.node(), ReplicaFailure.ERROR, ack.message(), now);
        };
        apply(entry, t);
    }

    private void checkDeadlines(long wallNow) {
        drainLocal();
        if (!restoredRunning.isEmpty()) {
            resendRestored();
        }
        // markers only while something waits for acks: an idle cluster writes nothing
        if (!pending.isEmpty() && wallNow - lastClockSentMs >= CLOCK_INTERVAL_MS) {
            acks.sendClock(context.taskId().partition(), wallNow);
            lastClockSentMs = wallNow;
        }
        long now = Math.min(wallNow, ackClockMs);
        Deadline d;
        while ((d = deadlines.peek()) != null && d.atMs() <= now) {
            deadlines.poll();
            Long current = indexed.get(d.key());
            PendingEntry entry = pending.get(d.key());
            if (current == null || current != d.atMs() || entry == null) {
                continue; // superseded
            }
            indexed.remove(d.key());
            apply(entry, entry.put().deadlinePassed(now));
        }
    }

    /** Stores the next state, then carries out the actions (which may feed further inputs). */
    private void apply(PendingEntry entry, PendingPut.Transition first) {
        ArrayDeque<PendingPut.Transition> work = new ArrayDeque<>();
        work.add(first);
        while (!work.isEmpty()) {
            PendingPut.Transition t = work.poll();
            entry = entry.with(t.put());
            for (PutAction action : t.actions()) {
                if (action instanceof PutAction.ResendReplica r) {
                    PendingPut.Transition refused = startReplica(entry, new PutAction.StartReplica(r.node(), r.attempt(), null));
                    if (refused != null) {
                        entry = entry.with(refused.put());
                        work.add(refused);
                    }
                } else if (action instanceof PutAction.StartReplica s) {
                    PendingPut.Transition refused = startReplica(entry, s);
                    if (refused != null) {
                        entry = entry.with(refused.put());
                        work.add(refused);
                    }
                } else if (action instanceof PutAction.Committed c) {
                    metrics.committed(entry.put().commitLevel(), System.currentTimeMillis() - entry.startedAtMs());
                    publish(entry, PutOutcome.Status.COMMITTED, c.acknowledgedBy(), null);
                } else if (action instanceof PutAction.Failed f) {
                    metrics.failed(entry.put().commitLevel());
                    log.warn("put {} (correlation id {}) FAILED: {}", entry.put().key(), entry.correlationId(), f.reason());
                    publish(entry, PutOutcome.Status.FAILED, entry.put().storedOn(), f.reason());
                } else if (action instanceof PutAction.ReplicaLost l) {
                    if (l.failure() == ReplicaFailure.CONFLICT) {
                        log.error("CONFLICT: node {} holds a different event under key {}; it was not overwritten",
                                l.node(), entry.put().key());
                    } else if (l.failure() == ReplicaFailure.TIMEOUT) {
                        log.info("replica of {} on {} timed out ({})", entry.put().key(), l.node(), l.message());
                    } else {
                        log.info("replica of {} on {} failed: {}", entry.put().key(), l.node(), l.message());
                    }
                }
            }
        }
        save(entry);
    }

    /**
     * Starts one replica: the local store directly, a peer through its command topic. A peer that is no
     * longer live is refused at once, which re-places the replica on the next spare.
     */
    private PendingPut.Transition startReplica(PendingEntry entry, PutAction.StartReplica s) {
        PendingPut put = entry.put();
        if (s.isReplacement()) {
            metrics.replaced();
        }
        String node = s.node();
        List<String> plan = put.replicas().stream().map(PendingPut.Replica::node).toList();
        if (node.equals(config.nodeId())) {
            writeLocally(entry, plan);
            return null;
        }
        if (!peers.isLive(node)) {
            return put.failed(node, ReplicaFailure.ERROR, "peer " + node + " is not live", System.currentTimeMillis());
        }
        PutBatch command = new PutBatch(config.nodeId(), new ReplyTo.AckPartition(entry.ingestPartition()),
                List.of(new PutCommand(put.key(), put.event(), s.attempt(), put.replicationFactor(), plan)));
        Headers headers = new RecordHeaders().add(DESTINATION_HEADER, node.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(put.key().getBytes(StandardCharsets.US_ASCII), CommandFormat.encode(command),
                context.currentSystemTimeMs(), headers), COMMANDS_SINK);
        return null;
    }

    /** The local replica goes straight to this node's store; its answer comes back through {@link #localAcks}. */
    private void writeLocally(PendingEntry entry, List<String> plan) {
        String key = entry.put().key();
        String self = config.nodeId();
        localStore.put(new ReplicaWrite(key, entry.put().event(), new ReplicaMeta(plan, self, entry.put().replicationFactor(), 0)))
                .whenComplete((outcome, error) -> {
                    if (error != null) {
                        localAcks.add(new Ack(key, self, Ack.Status.ERROR, "local store: " + error.getMessage()));
                    } else if (outcome == WriteOutcome.CONFLICT) {
                        localAcks.add(Ack.conflict(key, self));
                    } else {
                        if (outcome == WriteOutcome.STORED) {
                            metrics.replicaWrites(1);
                        }
                        localAcks.add(Ack.ok(key, self));
                    }
                });
    }

    private void publish(PendingEntry entry, PutOutcome.Status status, List<String> acked, String error) {
        PendingPut put = entry.put();
        PutOutcome outcome = new PutOutcome(put.key(), entry.correlationId(), status, put.commitLevel().name(),
                put.required(), acked, put.replicas().stream().map(PendingPut.Replica::node).toList(), put.owed(),
                status == PutOutcome.Status.FAILED ? put.storedOn() : null, error,
                new PutOutcome.IngestPosition(entry.ingestPartition(), entry.ingestOffset()));
        context.forward(new Record<>(entry.correlationId().getBytes(StandardCharsets.UTF_8), Wire.encode(outcome),
                context.currentSystemTimeMs()), RESULTS_SINK);
    }

    private void save(PendingEntry entry) {
        String key = entry.put().key();
        if (entry.put().isDone()) {
            if (pending.remove(key) != null) {
                metrics.pendingDelta(-1);
            }
            indexed.remove(key);
            store.delete(key);
        } else {
            pending.put(key, entry);
            index(entry);
            store.put(key, codec.encode(entry));
        }
    }

    private void index(PendingEntry entry) {
        long next = entry.put().nextDeadlineMs();
        if (next == Long.MAX_VALUE) {
            return;
        }
        Long current = indexed.put(entry.put().key(), next);
        if (current == null || current != next) {
            deadlines.add(new Deadline(next, entry.put().key()));
        }
    }

    /** Bad input: a FAILED result with the reason, and the original record in the dead-letter topic. */
    private void reject(Record<byte[], byte[]> record, RecordMetadata md, String correlationId, CommitLevel level,
                        String reason) {
        metrics.rejected();
        log.warn("rejected ingest record {}-{} (correlation id {}): {}", md.partition(), md.offset(), correlationId, reason);
        PutOutcome outcome = new PutOutcome(null, correlationId, PutOutcome.Status.FAILED,
                level == null ? null : level.name(), level == null ? 0 : level.required(config.strategy().replicationFactor()),
                List.of(), List.of(), 0, List.of(), reason,
                new PutOutcome.IngestPosition(md.partition(), md.offset()));
        context.forward(new Record<>(correlationId.getBytes(StandardCharsets.UTF_8), Wire.encode(outcome),
                context.currentSystemTimeMs()), RESULTS_SINK);
        Headers headers = new RecordHeaders(record.headers().toArray())
                .add("alldata-error", reason.getBytes(StandardCharsets.UTF_8))
                .add("alldata-ingest-topic", md.topic().getBytes(StandardCharsets.UTF_8))
                .add("alldata-ingest-partition", Integer.toString(md.partition()).getBytes(StandardCharsets.UTF_8))
                .add("alldata-ingest-offset", Long.toString(md.offset()).getBytes(StandardCharsets.UTF_8));
        if (record.headers().lastHeader(CORRELATION_HEADER) == null) {
            headers.add(CORRELATION_HEADER, correlationId.getBytes(StandardCharsets.UTF_8));
        }
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), DEAD_LETTER_SINK);
    }

    private static String correlationId(Record<byte[], byte[]> record, int partition, long offset) {
        String header = header(record.headers(), CORRELATION_HEADER);
        if (header != null && !header.isBlank()) {
            return header;
        }
        if (record.key() != null) {
            return new String(record.key(), StandardCharsets.UTF_8);
        }
        return partition + "-" + offset;
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        localAcks.clear();
        metrics.pendingDelta(-pending.size());
        pending.clear();
        deadlines.clear();
        indexed.clear();
    }
}
