package alldata.sidecar.replica;

import alldata.core.Clock;
import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.ClientDefaults;
import alldata.protocol.CommandFormat;
import alldata.protocol.CommandRecord;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.FailedCopies;
import alldata.protocol.MetaUpdate;
import alldata.protocol.MetaUpdateBatch;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.ReplicaMeta;
import alldata.protocol.ReplyBatch;
import alldata.protocol.ReplyTo;
import alldata.sidecar.kafka.KafkaClients;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.store.FailedMarks;
import alldata.store.PlanUpdateOutcome;
import alldata.store.ReplicaPlans;
import alldata.store.ReplicaWrite;
import alldata.store.ReplicaWrites;
import alldata.store.StoreException;
import alldata.store.WriteOutcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the replicas other nodes ask this node for, from its command topic. Per poll: every put of every
 * {@link PutBatch} goes to the store in one write (one RocksDB write batch, one WAL sync), then the answers
 * go out without waiting, one record per reply route ({@link AckSender}), and the poll's offsets are
 * committed, asynchronously, once the broker has every answer record of it.
 *
 * <p>{@link MetaUpdateBatch} records (new plans from a node that repaired events) are applied after the poll's
 * puts, so that a plan update never overtakes the put it follows; a plan only gives way to a larger epoch, so
 * applying one again changes nothing. Nothing answers them: a lost update leaves an older plan, which the next
 * repair pass finds.
 *
 * <p>{@link FailedCopies} records (from the coordinator of a put that FAILED) are applied after the poll's puts too:
 * the store records each key as FAILED whether or not it holds the event yet, and keeps the marker through any later
 * duplicate put, so a copy of a FAILED put here is never read as data nor repaired, whichever arrives first.
 *
 * <p>Re-delivery is harmless: after a crash, a rebalance or lost answers, commands since the last commit
 * are read and stored again, and write-once storage answers a put it already holds with OK (DUPLICATE),
 * so committing late never changes an answer, it only repeats it.
 *
 * <p>The loop is supervised: a command that does not decode is counted and skipped; any other failure
 * (Kafka unreachable, a failed commit, lost answers) is logged once per streak, makes {@link #failure()}
 * say why, and is retried with exponential back-off until a turn succeeds again.
 */
public final class ReplicaWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaWriter.class);
    static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 10_000;
    static final int MAX_POLL_RECORDS = 2000;
    /**
     * Offsets are committed at most this often. A commit is only a restart point (commands read again after
     * a crash are answered again, idempotently), and one per poll was a broker request per few commands.
     */
    static final long OFFSET_COMMIT_INTERVAL_MS = 1000;
    /** Bounds the last commit at close: with Kafka gone, shutting down matters more (re-delivery is harmless). */
    private static final Duration FINAL_COMMIT_TIMEOUT = Duration.ofSeconds(5);

    /** Stores a poll's replicas in one write ({@link ReplicaWrites#write}). */
    interface BatchStore {
        List<WriteOutcome> write(List<ReplicaWrite> writes);

        /** Applies plan updates ({@link ReplicaPlans#updatePlans}). */
        default List<PlanUpdateOutcome> updatePlans(List<MetaUpdate> updates, String origin) {
            throw new UnsupportedOperationException("this store keeps no plans");
        }

        /** Records FAILED puts ({@link FailedMarks#markFailed}); returns how many of the keys are held. */
        default int markFailed(List<String> keys) {
            throw new UnsupportedOperationException("this store keeps no FAILED markers");
        }

        /** Takes FAILED markers back ({@link FailedMarks#clearFailed}). */
        default void clearFailed(List<String> keys) {
            throw new UnsupportedOperationException("this store keeps no FAILED markers");
        }
    }

    /** The replica store as the writer uses it. */
    private static <S extends ReplicaWrites & ReplicaPlans & FailedMarks> BatchStore of(S store) {
        return new BatchStore() {
            @Override
            public List<WriteOutcome> write(List<ReplicaWrite> writes) {
                return store.write(writes);
            }

            @Override
            public List<PlanUpdateOutcome> updatePlans(List<MetaUpdate> updates, String origin) {
                return store.updatePlans(updates, origin);
            }

            @Override
            public int markFailed(List<String> keys) {
                return store.markFailed(keys);
            }

            @Override
            public void clearFailed(List<String> keys) {
                store.clearFailed(keys);
            }
        };
    }

    /** How the loop waits between attempts while it fails. */
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;

        /** Ends a sleep early: the writer is closing. */
        default void wakeUp() {
        }
    }

    /** Sleeps until the time is up or the writer closes. */
    private static final class UntilClosed implements Sleeper {
        private final CountDownLatch closing = new CountDownLatch(1);

        @Override
        public void sleep(long ms) throws InterruptedException {
            closing.await(ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public void wakeUp() {
            closing.countDown();
        }
    }

    private final String nodeId;
    private final String topic;
    private final BatchStore store;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final AckSender acks;
    private final SidecarMetrics metrics;
    private final java.util.function.Consumer<AckBatch> replies;
    private final Sleeper sleeper;
    private final Clock clockMs;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;

    // the loop's own state: only its thread touches it (commit callbacks run inside consumer calls)
    private final Deque<PollInFlight> inFlight = new ArrayDeque<>();
    private final Map<TopicPartition, OffsetAndMetadata> answered = new HashMap<>();
    private boolean commitDue;
    private long lastCommitMs = Long.MIN_VALUE / 2;
    private Exception commitFailure;
    /** When offset commits started failing (this writer's clock), 0 while they succeed. */
    private long commitsFailingSinceMs;
    private long backoffMs = FIRST_BACKOFF_MS;
    private int failedAttempts;

    // read by health checks and the membership agent
    private volatile boolean polled;
    private volatile boolean stopped;
    private volatile String failure;

    /**
     * The replica writer of {@code config}'s node, with its own consumer (group
     * {@code Topics.replicaGroup(nodeId)}); replies that arrive on its command topic are dropped.
     *
     * @param producer sends the answers; shared, never closed here
     */
    public static <S extends ReplicaWrites & ReplicaPlans & FailedMarks> ReplicaWriter create(KafkaClients config,
            S store, Producer<byte[], byte[]> producer, SidecarMetrics metrics) {
        return create(config, store, producer, metrics, ReplicaWriter::dropReplies);
    }

    /**
     * The replica writer of {@code config}'s node, with its own consumer (group {@code Topics.replicaGroup(nodeId)}).
     *
     * @param producer sends the answers; shared, never closed here
     * @param replies  hears the answers to puts this node sent with {@link ReplyTo.Node} naming itself
     */
    public static <S extends ReplicaWrites & ReplicaPlans & FailedMarks> ReplicaWriter create(KafkaClients config,
            S store, Producer<byte[], byte[]> producer, SidecarMetrics metrics,
            java.util.function.Consumer<AckBatch> replies) {
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        return new ReplicaWriter(config, store, consumer, producer, metrics, replies);
    }

    /** The command consumer's settings: this node's own group, a static member of it, offsets committed by hand. */
    static Map<String, Object> consumerConfig(KafkaClients config) {
        Map<String, Object> props = config.kafkaClientConfig();
        String group = config.topics().replicaGroup(config.nodeId());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // static membership: a restarted writer takes its command topic back at once; without it the group waited
        // for the dead incarnation's session (45 s) while every put with a replica here had to do without it
        props.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, group);
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // commands are latency-critical: an idle fetch should not hold them back
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, ClientDefaults.FETCH_MAX_WAIT_MS);
        return props;
    }

    /**
     * @param consumer reads {@code config}'s command topic; the writer subscribes it and closes it
     * @param producer sends the answers; shared, never closed here
     * @param replies  hears the answers to puts this node sent with {@link ReplyTo.Node} naming itself (on the
     *                 writer's thread; after a failure the same answers may come again)
     */
    public <S extends ReplicaWrites & ReplicaPlans & FailedMarks> ReplicaWriter(KafkaClients config, S store,
            Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, SidecarMetrics metrics,
            java.util.function.Consumer<AckBatch> replies) {
        this(config, of(store), consumer, producer, metrics, replies, new UntilClosed(), Clock.SYSTEM);
    }

    ReplicaWriter(KafkaClients config, BatchStore store, Consumer<byte[], byte[]> consumer,
                  Producer<byte[], byte[]> producer, SidecarMetrics metrics,
                  java.util.function.Consumer<AckBatch> replies, Sleeper sleeper, Clock clockMs) {
        this.nodeId = config.nodeId();
        this.topic = config.topics().commands(nodeId);
        this.store = store;
        this.consumer = consumer;
        this.producer = producer;
        this.acks = new AckSender(producer, config.topics());
        this.metrics = metrics;
        this.replies = replies;
        this.sleeper = sleeper;
        this.clockMs = clockMs;
        this.thread = new Thread(this::run, "alldata-replica-writer-" + nodeId);
        this.thread.setDaemon(true);
    }

    private static void dropReplies(AckBatch answers) {
        log.debug("{} replies from {} dropped: nothing on this node waits for them", answers.acks().size(), answers.node());
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

    /** True once the loop has polled and while it runs without failing. */
    public boolean healthy() {
        return polled && failure == null && !stopped;
    }

    /** Why the loop is failing (it retries by itself), or empty while it works. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    private void run() {
        try {
            while (running) {
                runOnce();
            }
        } catch (Error e) {
            failure = "stopped: " + e + "; restart the sidecar";
            log.error("replica writer of {} {}", nodeId, failure);
            throw e;
        } finally {
            finish();
        }
    }

    /** One turn of the loop: poll, store and answer, commit what is answered; after a failure, back off. */
    void runOnce() {
        String step = "subscribing to " + topic;
        try {
            if (consumer.subscription().isEmpty()) {
                consumer.subscribe(List.of(topic));
            }
            step = "polling " + topic;
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
            if (!records.isEmpty()) {
                step = "answering " + records.count() + " command records";
                answer(records);
            }
            step = "delivering answers and committing offsets";
            settle();
            if (commitFailure != null) {
                Exception e = commitFailure;
                commitFailure = null;
                commitFailed(e);
            }
            succeeded();
        } catch (WakeupException e) {
            if (running) { // only close() wakes the consumer up
                failed(step, e);
            }
        } catch (RuntimeException e) {
            failed(step, e);
        }
    }

    private void answer(ConsumerRecords<byte[], byte[]> records) {
        PollInFlight poll = new PollInFlight(records);
        inFlight.addLast(poll);
        try {
            List<CommandRecord> afterPuts = new ArrayList<>();
            Answers answers = store(decode(records, afterPuts));
            applyAfterPuts(afterPuts);
            poll.sent(acks.send(answers, poll));
        } catch (RuntimeException e) {
            poll.fail(e);
            throw e;
        }
    }

    /**
     * Applies the poll's plan updates and FAILED markers, after its puts, in the order they came; a failure is logged
     * (the next repair pass sends plans again; a lost FAILED marker leaves an unconfirmed copy, read as data).
     */
    private void applyAfterPuts(List<CommandRecord> records) {
        for (CommandRecord r : records) {
            if (r instanceof FailedCopies f) {
                markFailed(f);
            } else {
                updatePlans((MetaUpdateBatch) r);
            }
        }
    }

    private void markFailed(FailedCopies f) {
        if (!f.failed()) {
            clearFailed(f);
            return;
        }
        try {
            int held = store.markFailed(f.keys());
            log.info("{} puts from {} FAILED; {} of their copies are held here and left out of reads and repair",
                    f.keys().size(), f.origin(), held);
        } catch (StoreException e) {
            log.error("{} FAILED markers from {} not recorded ({}): copies of those puts here stay readable as data",
                    f.keys().size(), f.origin(), e.getMessage());
        }
    }

    private void clearFailed(FailedCopies f) {
        try {
            store.clearFailed(f.keys());
            log.info("{} puts from {} COMMITTED after an aborted FAILED outcome; their FAILED marks here are taken back",
                    f.keys().size(), f.origin());
        } catch (StoreException e) {
            log.error("{} FAILED marks from {} not taken back ({}): copies of those COMMITTED puts here stay hidden"
                    + " (alldata verify lists them)", f.keys().size(), f.origin(), e.getMessage());
        }
    }

    private void updatePlans(MetaUpdateBatch b) {
        try {
            List<PlanUpdateOutcome> outcomes = store.updatePlans(b.updates(), b.origin());
            long applied = outcomes.stream().filter(o -> o == PlanUpdateOutcome.APPLIED).count();
            log.debug("{} of {} plan updates from {} applied ({} stale or not held)", applied, outcomes.size(),
                    b.origin(), outcomes.size() - applied);
        } catch (StoreException e) {
            log.warn("{} plan updates from {} not applied: {}; the repair that sent them finds these plans again",
                    b.updates().size(), b.origin(), e.getMessage());
        }
    }

    /**
     * The poll's put batches; replies go to the listener, plan updates and FAILED markers to {@code afterPuts},
     * undecodable records are skipped.
     */
    private List<PutBatch> decode(ConsumerRecords<byte[], byte[]> records, List<CommandRecord> afterPuts) {
        List<PutBatch> batches = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            CommandRecord command;
            try {
                command = CommandFormat.decode(r.value());
            } catch (MalformedRecordException e) {
                metrics.malformedCommand();
                log.warn("skipping malformed command at {}-{} offset {}: {}", r.topic(), r.partition(), r.offset(),
                        e.getMessage());
                continue;
            }
            if (command instanceof PutBatch b) {
                batches.add(b);
            } else if (command instanceof MetaUpdateBatch || command instanceof FailedCopies) {
                afterPuts.add(command);
            } else {
                deliver(((ReplyBatch) command).answers(), r);
            }
        }
        return batches;
    }

    private void deliver(AckBatch answers, ConsumerRecord<byte[], byte[]> r) {
        try {
            replies.accept(answers);
        } catch (RuntimeException e) {
            log.warn("{} replies from {} at {}-{} offset {} dropped: the reply listener failed: {}", answers.acks().size(),
                    answers.node(), r.topic(), r.partition(), r.offset(), e.toString(), e);
        }
    }

    /** Stores every put of the poll in one write and answers each, grouped by reply route. */
    private Answers store(List<PutBatch> batches) {
        List<ReplicaWrite> writes = new ArrayList<>();
        List<ReplyTo> routes = new ArrayList<>();
        for (PutBatch b : batches) {
            for (PutCommand c : b.puts()) {
                writes.add(new ReplicaWrite(c.key(), c.event(),
                        new ReplicaMeta(c.replicas(), b.origin(), c.replicationFactor(), 0)));
                routes.add(b.replyTo());
            }
        }
        Answers answers = new Answers(nodeId);
        if (writes.isEmpty()) {
            return answers;
        }
        List<WriteOutcome> outcomes;
        try {
            outcomes = store.write(writes);
        } catch (StoreException e) {
            log.error("store of {} failed for {} replicas: {}; answering ERROR so that their coordinators re-place them",
                    nodeId, writes.size(), e.getMessage());
            String message = "store of node " + nodeId + " failed: " + e.getMessage();
            for (int i = 0; i < writes.size(); i++) {
                answers.add(routes.get(i), Ack.error(writes.get(i).key(), nodeId, message));
            }
            return answers;
        }
        int stored = 0;
        for (int i = 0; i < writes.size(); i++) {
            String key = writes.get(i).key();
            switch (outcomes.get(i)) {
                case STORED -> {
                    stored++;
                    answers.add(routes.get(i), Ack.ok(key, nodeId));
                }
                case DUPLICATE -> answers.add(routes.get(i), Ack.ok(key, nodeId));
                case CONFLICT -> {
                    metrics.conflict();
                    answers.add(routes.get(i), Ack.conflict(key, nodeId));
                }
            }
        }
        metrics.replicaWrites(stored);
        return answers;
    }

    /**
     * Commits the positions after every poll the broker has all answers of (positions: a later commit
     * covers an earlier one, so polls are settled in order), without waiting.
     *
     * @throws KafkaException when some answers of the oldest unsettled poll were not delivered
     */
    private void settle() {
        collectAnswered();
        if (inFlight.isEmpty()) {
            passTransactionMarkers();
        }
        long now = clockMs.nowMs();
        if (commitDue && now - lastCommitMs >= OFFSET_COMMIT_INTERVAL_MS) {
            commitDue = false; // before the call: its callback may ask for the commit again
            lastCommitMs = now;
            try {
                consumer.commitAsync(Map.copyOf(answered), this::onCommitted);
            } catch (RuntimeException e) {
                commitDue = true;
                throw e;
            }
        }
        PollInFlight head = inFlight.peekFirst();
        if (head != null && head.failure() != null) {
            throw new KafkaException("answers not delivered: " + head.failure(), head.failure());
        }
    }

    private void collectAnswered() {
        PollInFlight head;
        while ((head = inFlight.peekFirst()) != null && head.answered()) {
            inFlight.removeFirst();
            answered.putAll(head.nextOffsets());
            commitDue = true;
        }
    }

    /**
     * With every poll answered, moves the offsets to commit up to the consumer's positions. Coordinators write
     * commands in transactions, each ending with a commit marker that a poll skips without returning a record
     * (often a poll after the commands themselves): without this, the group's committed offset would stay one
     * short of the command topic's end for good, and lag tools would show a writer that has answered
     * everything as behind.
     */
    private void passTransactionMarkers() {
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : answered.entrySet()) {
            if (consumer.assignment().contains(e.getKey())) {
                long position = consumer.position(e.getKey());
                if (position > e.getValue().offset()) {
                    e.setValue(new OffsetAndMetadata(position, e.getValue().leaderEpoch(), ""));
                    commitDue = true;
                }
            }
        }
    }

    private void onCommitted(Map<TopicPartition, OffsetAndMetadata> offsets, Exception e) {
        if (e == null) {
            if (commitsFailingSinceMs != 0) {
                log.info("offset commits of {} succeed again after {} ms", nodeId, clockMs.nowMs() - commitsFailingSinceMs);
                commitsFailingSinceMs = 0;
            }
            return;
        }
        if (e instanceof CommitFailedException || e instanceof RebalanceInProgressException) {
            // the partitions moved to another member of the group, which reads them again from the last commit
            log.info("offset commit of {} skipped during a rebalance: {}", nodeId, e.getMessage());
            return;
        }
        commitDue = true; // the next turn commits the positions again
        commitFailure = e;
    }

    /**
     * Forgets the oldest poll whose answers may be lost and every poll after it, and seeks back to their
     * first records, so that they are read, stored (idempotently) and answered again.
     */
    private void rewind() {
        Map<TopicPartition, Long> from = new HashMap<>();
        boolean lost = false;
        for (Iterator<PollInFlight> it = inFlight.iterator(); it.hasNext(); ) {
            PollInFlight p = it.next();
            lost |= p.failure() != null;
            if (lost) {
                p.firstOffsets().forEach((tp, offset) -> from.merge(tp, offset, Math::min));
                it.remove();
            }
        }
        for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
            try {
                consumer.seek(e.getKey(), e.getValue());
                log.info("replica writer of {} reads {} again from offset {}", nodeId, e.getKey(), e.getValue());
            } catch (IllegalStateException notAssigned) {
                // the partition moved to another member, which reads it from the last commit
            }
        }
    }

    /**
     * An offset commit failed (the group coordinator moving with a lost broker, a timeout). Offsets are bookkeeping
     * only: the answers went out, a later commit covers this one, and a restart reads uncommitted commands again,
     * which idempotent writes answer at once. So answering carries on, without back-off and without announcing
     * LEAVING: a broker loss once made every node whose group coordinator it hosted stop answering and flap
     * between LEAVING and UP for as long as the coordinator moved.
     */
    private void commitFailed(Exception e) {
        if (commitsFailingSinceMs == 0) {
            commitsFailingSinceMs = Math.max(1, clockMs.nowMs());
            log.warn("offset commits of {} for {} failing: {}; answering carries on, and the next turn commits again",
                    nodeId, topic, e.toString());
        }
    }

    private void failed(String step, Exception e) {
        failedAttempts++;
        long pause = backoffMs;
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        String reason = step + " failed: " + e;
        if (failure == null) {
            log.error("replica writer of {} failing: {}; it retries with back-off (up to {} s), and this node "
                    + "announces LEAVING until it recovers", nodeId, reason, MAX_BACKOFF_MS / 1000, e);
        } else {
            log.debug("replica writer of {} still failing: {}", nodeId, reason);
        }
        failure = reason + " (attempt " + failedAttempts + ", next in " + pause + " ms)";
        rewind();
        try {
            sleeper.sleep(pause);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            running = false;
            log.warn("replica writer of {} interrupted while backing off; it stops", nodeId);
        }
    }

    private void succeeded() {
        polled = true;
        if (failure != null) {
            log.info("replica writer of {} recovered after {} failed attempts; the last: {}", nodeId, failedAttempts,
                    failure);
            failure = null;
        }
        failedAttempts = 0;
        backoffMs = FIRST_BACKOFF_MS;
    }

    /** Waits for the answers sent so far, commits what they answer, and closes the consumer. */
    private void finish() {
        stopped = true;
        try {
            producer.flush();
            collectAnswered();
            if (!answered.isEmpty()) {
                commitFinal();
            }
        } catch (RuntimeException e) {
            log.warn("replica writer of {} closed without committing its last offsets ({}); the commands since "
                    + "the last commit are read again at start, which is harmless: writes are idempotent", nodeId, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void commitFinal() {
        try {
            consumer.commitSync(answered, FINAL_COMMIT_TIMEOUT);
        } catch (WakeupException e) {
            consumer.commitSync(answered, FINAL_COMMIT_TIMEOUT); // the wake-up of close() that no poll consumed
        }
    }

    /** Stops the loop: the last answers go out and their offsets are committed. Safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        sleeper.wakeUp();
        if (thread.getState() == Thread.State.NEW) {
            finish();
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
