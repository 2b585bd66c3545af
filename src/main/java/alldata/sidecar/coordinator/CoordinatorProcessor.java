package alldata.sidecar.coordinator;

import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.AckRecord;
import alldata.protocol.ClockMarker;
import alldata.protocol.MalformedRecordException;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.sidecar.membership.PeerDirectory;
import java.time.Duration;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator of one ingest partition (one Streams task): ingest records become puts, ack records
 * advance them, and wall-clock punctuations flush commands and judge deadlines. Ingest partition p and
 * ack partition p land on the same task.
 *
 * <p>One clock: {@code context.currentSystemTimeMs()}. Replica deadlines are judged against the newest
 * {@link ClockMarker} this task has read back from its own ack partition, not against the wall clock
 * alone: a marker stamped T is read only after every ack appended before it, so "deadline passed" means
 * "no ack arrived by then", even when the task was stalled or just restored. Until a marker comes back
 * nothing times out.
 *
 * <p>Nothing a producer sends stalls the partition: a record the validator rejects, and any record whose
 * processing throws, becomes one FAILED outcome and a dead letter.
 */
final class CoordinatorProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorProcessor.class);

    static final String STORE = "pending-puts";
    /** How often buffered commands are flushed and local answers applied: the end of a processing cycle. */
    static final long CYCLE_MS = 1;
    /** How often deadlines, clock markers and back-pressure are checked. */
    static final long TICK_MS = 100;
    /** How often a task with puts in flight stamps its ack partition with a clock marker. */
    static final long CLOCK_INTERVAL_MS = 200;

    private final CoordinatorSettings settings;
    private final PeerDirectory peers;
    private final LocalReplica local;
    private final ClockMarkers clockMarkers;
    private final CommandSender commandSender;
    private final IngestGate gate;
    /** This task's wish for a short poll while something waits for its next cycle. */
    private IngestGate.WakeUp wake;
    private final SidecarMetrics metrics;
    private final String ingestTopic;
    private final String acksTopic;
    private final IngestValidator validator;

    private ProcessorContext<byte[], byte[]> context;
    private PendingPuts puts;
    private CommandBatcher commands;
    private OutcomePublisher outcomes;
    private TopicPartition ingestPartition;
    private CommitPolicy commits;
    private long outcomesSeen;
    /** Records processed since the previous end of a cycle: whether the task is busy ({@link CommitPolicy}). */
    private long recordsInCycle;
    private long ackClockMs = Long.MIN_VALUE;
    private long lastClockSentMs;

    CoordinatorProcessor(CoordinatorSettings settings, PeerDirectory peers, LocalReplica local, ClockMarkers clockMarkers,
                         CommandSender commandSender, IngestGate gate, SidecarMetrics metrics, String ingestTopic, String acksTopic) {
        this.settings = settings;
        this.peers = peers;
        this.local = local;
        this.clockMarkers = clockMarkers;
        this.commandSender = commandSender;
        this.gate = gate;
        this.metrics = metrics;
        this.acksTopic = acksTopic;
        this.validator = new IngestValidator(settings.limits(), settings.defaultLevel(), settings.spread(),
                settings.replicationFactor());
        this.ingestTopic = ingestTopic;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        int partition = context.taskId().partition();
        this.ingestPartition = new TopicPartition(ingestTopic, partition);
        KeyValueStore<String, byte[]> store = context.getStateStore(STORE);
        this.outcomes = new OutcomePublisher(context, settings.strategy(), settings.nodeId(), peers::domainOf);
        this.commands = new CommandBatcher(settings.nodeId(), partition, settings.maxBatchBytes(), commandSender::send,
                local::updatePlans, local::markFailed, local::clearFailed);
        this.commits = CommitPolicy.of(context, settings.commitMinIntervalMs());
        this.wake = gate.wakeUp();
        this.puts = new PendingPuts(settings, store, peers, local, commands, outcomes, metrics, commits.exactlyOnce(),
                () -> gate.committedPosition(ingestPartition));
        int loaded = puts.load();
        if (loaded > 0) {
            log.info("task {} took over {} pending puts; their replicas are asked again", context.taskId(), loaded);
        }
        context.schedule(Duration.ofMillis(CYCLE_MS), PunctuationType.WALL_CLOCK_TIME, this::endOfCycle);
        context.schedule(Duration.ofMillis(TICK_MS), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata md = context.recordMetadata().orElseThrow();
        long now = context.currentSystemTimeMs();
        if (md.topic().equals(acksTopic)) {
            onAcks(record, md, now);
        } else {
            onIngest(record, md, now);
        }
        recordsInCycle++;
        if (somethingWaits()) {
            wake.by(now + CYCLE_MS);
        }
    }

    /**
     * Whether the stream thread must not block in poll (Streams waits up to {@code poll.ms}, 100 ms, for records)
     * past the next end of a cycle: commands to flush, local answers to apply, outcomes waiting for their commit.
     */
    private boolean somethingWaits() {
        return commands.buffered() > 0 || puts.localWritesInFlight() > 0 || commits.waiting(puts.outcomesWaitForOffsets());
    }

    private void onIngest(Record<byte[], byte[]> record, RecordMetadata md, long now) {
        metrics.ingestLag(now - record.timestamp());
        IngestDecision decision = validator.check(record.key(), record.value(), record.headers(), record.timestamp(),
                md.partition(), md.offset());
        if (decision instanceof IngestDecision.Rejected r) {
            reject(record, md, r);
            return;
        }
        IngestDecision.Accepted a = (IngestDecision.Accepted) decision;
        try {
            puts.start(a, md.partition(), md.offset(), now);
        } catch (RuntimeException e) {
            // a bug must not stall the partition: this record gets its one outcome and the partition moves on
            log.error("put of ingest record {}-{} failed unexpectedly; reporting it FAILED", md.partition(), md.offset(), e);
            reject(record, md, new IngestDecision.Rejected("internal error processing the record: " + e,
                    a.correlationId(), a.level()));
        }
        holdIngestIfFull();
    }

    private void reject(Record<byte[], byte[]> record, RecordMetadata md, IngestDecision.Rejected r) {
        metrics.rejected();
        log.warn("rejected ingest record {}-{} (correlation id {}): {}", md.partition(), md.offset(), r.correlationId(),
                r.reason());
        outcomes.rejected(record, md, r);
    }

    private void onAcks(Record<byte[], byte[]> record, RecordMetadata md, long now) {
        AckRecord decoded;
        try {
            decoded = AckFormat.decode(record.value());
        } catch (MalformedRecordException e) {
            log.warn("skipping malformed ack record at {}-{}: {}", md.partition(), md.offset(), e.getMessage());
            return;
        }
        if (decoded instanceof ClockMarker c) {
            ackClockMs = Math.max(ackClockMs, c.wallClockMs());
            return;
        }
        metrics.ackLag(now - record.timestamp());
        for (Ack ack : ((AckBatch) decoded).acks()) {
            try {
                puts.answer(ack, now);
            } catch (RuntimeException e) {
                log.error("answer of {} for {} could not be applied; the replica's deadline will re-place it",
                        ack.node(), ack.key(), e);
            }
        }
    }

    /**
     * The end of a processing cycle: apply local answers, resume taken-over puts, send one record per
     * destination, and ask for a commit if outcomes wait for one: at once if no record came in this cycle,
     * grouped up to {@code commit.min.interval.ms} while records keep coming ({@link CommitPolicy}).
     */
    private void endOfCycle(long wallNow) {
        puts.drainLocalAnswers(wallNow);
        if (puts.resumePending()) {
            puts.resumeLoaded(wallNow);
        }
        puts.publishReady(wallNow);
        commands.flush();
        commits.produced(outcomes.published() - outcomesSeen);
        outcomesSeen = outcomes.published();
        commits.endOfCycle(context, wallNow, puts.outcomesWaitForOffsets(), recordsInCycle);
        recordsInCycle = 0;
        if (somethingWaits()) {
            wake.at(wallNow + CYCLE_MS);
        } else {
            wake.cancel();
        }
    }

    private void tick(long wallNow) {
        endOfCycle(wallNow);
        // markers only while something waits for acks: an idle cluster writes nothing
        if (puts.size() > 0 && wallNow - lastClockSentMs >= CLOCK_INTERVAL_MS) {
            clockMarkers.send(context.taskId().partition(), wallNow);
            lastClockSentMs = wallNow;
        }
        puts.deadlinesPassed(Math.min(wallNow, ackClockMs));
        commands.flush();
        holdIngestIfFull();
    }

    /** Back-pressure: pause this task's ingest partition while its puts are over their bound, resume below 90 %. */
    private void holdIngestIfFull() {
        boolean full = puts.size() >= settings.maxPendingPuts() || puts.bytes() >= settings.maxPendingBytes();
        if (full && !gate.isHeld(ingestPartition)) {
            gate.hold(ingestPartition);
            metrics.backpressure(true);
            log.info("task {} holds ingest: {} puts / {} bytes in flight (bounds {} / {})", context.taskId(),
                    puts.size(), puts.bytes(), settings.maxPendingPuts(), settings.maxPendingBytes());
        } else if (!full && gate.isHeld(ingestPartition) && puts.size() < settings.maxPendingPuts() * 0.9
                && puts.bytes() < settings.maxPendingBytes() * 0.9) {
            gate.release(ingestPartition);
            metrics.backpressure(false);
        }
    }

    @Override
    public void close() {
        if (gate != null && ingestPartition != null) {
            gate.release(ingestPartition);
        }
        if (gate != null) {
            gate.forget(wake);
        }
        if (puts != null) {
            puts.clear();
        }
    }
}
