package alldata.sidecar.coordinator;

import alldata.core.CommitLevel;
import alldata.core.FaultDomain;
import alldata.core.Placement;
import alldata.core.PendingPut;
import alldata.core.PutAction;
import alldata.core.ReplicaFailure;
import alldata.core.SpreadRequirement;
import alldata.protocol.Ack;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MetaUpdate;
import alldata.protocol.PutCommand;
import alldata.protocol.ReplicaMeta;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.sidecar.membership.PeerDirectory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The puts one coordinator task has in flight: each put's {@link PendingPut} state machine, driven by
 * ingest records, replica answers and deadlines, with its actions carried out on Kafka and the local
 * store.
 *
 * <p>State is written to the changelogged store only when it must survive a task move: at the start of a
 * put (its plan), when its plan changes (a re-placement), when its outcome is decided while replicas still
 * run (so a new owner does not report it again), and a delete at the end. Replica answers live in memory:
 * a restored put asks every replica that had not answered again; writes are idempotent, so a holder
 * answers OK at once.
 */
final class PendingPuts {
    private static final Logger log = LoggerFactory.getLogger(PendingPuts.class);

    private final CoordinatorSettings settings;
    private final KeyValueStore<String, byte[]> store;
    private final PeerDirectory peers;
    private final LocalReplica local;
    private final CommandBatcher commands;
    private final OutcomePublisher outcomes;
    private final SidecarMetrics metrics;
    private final boolean exactlyOnce;
    private final LongSupplier committedIngestPosition;
    private final PendingEntryCodec codec = new PendingEntryCodec();
    /** Puts whose outcome is decided but not yet published. */
    private final Set<String> awaitingPublication = new LinkedHashSet<>();
    private final Map<String, PendingEntry> pending = new HashMap<>();
    private final DeadlineIndex deadlines = new DeadlineIndex();
    /** Answers of local replica writes: completed on the store's thread, applied on the stream thread. */
    private final Queue<Ack> localAnswers = new ConcurrentLinkedQueue<>();
    private final ActionHandler handler = new ActionHandler();
    /** Local writes sent to the store whose answer has not been applied yet. */
    private int localWritesInFlight;
    private List<String> toResume = List.of();
    /**
     * Loaded puts whose outcome was still open: their previous owner may have published a FAILED outcome in a
     * transaction that aborted, whose FAILED markers landed all the same. Should such a put COMMIT, its replicas are
     * told to take the markers back.
     */
    private final Set<String> reopened = new java.util.HashSet<>();
    private long bytes;

    /**
     * @param exactlyOnce             outcomes are published in the task's transaction (else they wait for their
     *                                ingest offset to be committed)
     * @param committedIngestPosition the committed position of this task's ingest partition (at_least_once)
     */
    PendingPuts(CoordinatorSettings settings, KeyValueStore<String, byte[]> store, PeerDirectory peers,
                LocalReplica local, CommandBatcher commands, OutcomePublisher outcomes, SidecarMetrics metrics,
                boolean exactlyOnce, LongSupplier committedIngestPosition) {
        this.settings = settings;
        this.store = store;
        this.peers = peers;
        this.local = local;
        this.commands = commands;
        this.outcomes = outcomes;
        this.metrics = metrics;
        this.exactlyOnce = exactlyOnce;
        this.committedIngestPosition = committedIngestPosition;
    }

    /**
     * Loads the puts a previous owner left in the store. Their answers were lost with it, so each is
     * {@linkplain #resumeLoaded resumed} at the first chance to send.
     */
    int load() {
        List<String> loaded = new ArrayList<>();
        List<String> corrupt = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                try {
                    PendingEntry decoded = codec.decode(kv.value);
                    // locations are not stored with a put: they come from this node's membership view
                    PendingEntry e = decoded.with(decoded.put().withDomains(peers.domainsOf(nodesAndSpares(decoded.put()))));
                    track(e);
                    if (e.awaitsPublication()) {
                        awaitingPublication.add(e.key());
                    }
                    if (e.put().outcome() == PendingPut.Outcome.PENDING) {
                        reopened.add(e.key());
                    }
                    loaded.add(kv.key);
                } catch (MalformedRecordException ex) {
                    log.error("dropping unreadable pending put {} ({}); its ingest record is re-driven if it is replayed",
                            kv.key, ex.getMessage());
                    corrupt.add(kv.key);
                }
            }
        }
        corrupt.forEach(store::delete);
        toResume = loaded;
        return loaded.size();
    }

    /** True while loaded puts wait to be resumed. */
    boolean resumePending() {
        return !toResume.isEmpty();
    }

    /** Resumes the loaded puts: every replica that had not answered is asked again, with deadlines from now. */
    void resumeLoaded(long nowMs) {
        List<String> keys = toResume;
        toResume = List.of();
        for (String key : keys) {
            PendingEntry e = pending.get(key);
            if (e != null) {
                PendingEntry resumed = e.resumedAt(nowMs);
                pending.put(key, resumed);
                apply(resumed, resumed.put().resume(nowMs), false, nowMs);
            }
        }
        if (!keys.isEmpty()) {
            log.info("resumed {} pending puts; asked their unanswered replicas again", keys.size());
        }
    }

    /**
     * Publishes the decided outcomes that may go out now (at_least_once: their ingest offsets are committed);
     * called at the end of every cycle.
     */
    void publishReady(long nowMs) {
        if (awaitingPublication.isEmpty()) {
            return;
        }
        for (String key : List.copyOf(awaitingPublication)) {
            PendingEntry e = pending.get(key);
            if (e == null) {
                awaitingPublication.remove(key);
            } else if (publishable(e)) {
                persist(publish(e, nowMs), false, true);
            }
        }
    }

    /** Outcomes decided and held until their ingest offsets are committed (at_least_once). */
    boolean outcomesWaitForOffsets() {
        return !exactlyOnce && !awaitingPublication.isEmpty();
    }

    /** Starts the put of an accepted ingest record (a record delivered again while its put runs is ignored). */
    void start(IngestDecision.Accepted a, int partition, long offset, long nowMs) {
        if (pending.containsKey(a.key())) {
            log.debug("ingest {}-{} delivered again while its put {} runs; ignored", partition, offset, a.key());
            return;
        }
        Placement plan = plan(a.key(), a.level(), a.spread());
        List<String> located = new ArrayList<>(plan.replicas());
        located.addAll(plan.spares());
        PendingPut.Transition t = PendingPut.start(a.key(), a.event(), plan, a.level(),
                settings.replicationFactor(), settings.replicaTimeoutMs(), nowMs, settings.whenShort(),
                settings.putTimeoutMs(), a.spread(), peers.domainsOf(located));
        apply(new PendingEntry(t.put(), a.correlationId(), partition, offset, nowMs), t, true, nowMs);
    }

    /**
     * The plan of a new put. A record processed before (a replay after a crash or an aborted transaction)
     * whose event this node already holds keeps the plan recorded beside it: it re-checks those replicas
     * (each holder answers OK) instead of planning against a live view that may have changed.
     */
    private Placement plan(String key, CommitLevel level, SpreadRequirement spread) {
        Placement fresh = withSilentFaultDomains(
                withSilentMembers(peers.planner().plan(key, settings.strategy(), spread), level), spread);
        Optional<ReplicaMeta> held = local.storedMeta(key);
        if (held.isEmpty() || held.get().replicas().isEmpty()) {
            return fresh;
        }
        List<String> replicas = held.get().replicas();
        Set<String> spares = new LinkedHashSet<>(fresh.replicas());
        spares.addAll(fresh.spares());
        spares.removeAll(replicas);
        spares.remove(settings.nodeId());
        return new Placement(replicas, List.copyOf(spares), Placement.Adherence.MEETS_SOFT);
    }

    /**
     * With fewer live nodes than {@code level} needs (a node restarting or paused, or this node just started and
     * not yet hearing every heartbeat), the put also waits for members that are silent now instead of failing at
     * once: their commands wait in their command topics, and the put deadline bounds the wait. A member that left
     * for good is tombstoned and never chosen.
     */
    private Placement withSilentMembers(Placement fresh, CommitLevel level) {
        int required = level.required(settings.replicationFactor());
        if (settings.putTimeoutMs() <= 0 || fresh.replicas().size() >= required) {
            return fresh;
        }
        List<String> replicas = new ArrayList<>(fresh.replicas());
        for (String node : peers.silentMembers()) {
            if (replicas.size() >= required) {
                break;
            }
            if (!replicas.contains(node)) {
                replicas.add(node);
            }
        }
        return new Placement(replicas, fresh.spares(), fresh.adherence());
    }

    /**
     * When the live peers cannot span {@code spread} (a zone down, restarting, or cut off), the put also waits for a
     * silent member of a missing zone or region, as {@link #withSilentMembers} does for the count: it takes the place
     * of a replica whose zone another replica covers already, and that replica becomes the first spare, started
     * should the silent member not answer in time. The put deadline bounds the wait; the requirement is never dropped.
     */
    private Placement withSilentFaultDomains(Placement plan, SpreadRequirement spread) {
        if (spread.none() || settings.putTimeoutMs() <= 0) {
            return plan;
        }
        List<String> replicas = new ArrayList<>(plan.replicas());
        List<String> spares = new ArrayList<>(plan.spares());
        List<FaultDomain> have = new ArrayList<>();
        replicas.forEach(n -> have.add(peers.domainOf(n)));
        spares.forEach(n -> have.add(peers.domainOf(n)));
        for (String node : peers.silentMembers()) {
            if (spread.metBy(have)) {
                break;
            }
            FaultDomain d = peers.domainOf(node);
            if (replicas.contains(node) || !spread.adds(d, have)) {
                continue;
            }
            int redundant = redundantReplica(replicas);
            if (redundant > 0 && replicas.size() >= settings.replicationFactor()) {
                spares.add(0, replicas.remove(redundant));
            }
            replicas.add(node);
            have.add(d);
        }
        return replicas.equals(plan.replicas()) ? plan : new Placement(replicas, spares, plan.adherence());
    }

    /** The last replica but the local one whose zone another replica also covers, or -1. */
    private int redundantReplica(List<String> replicas) {
        for (int i = replicas.size() - 1; i > 0; i--) {
            FaultDomain d = peers.domainOf(replicas.get(i));
            for (int j = 0; j < replicas.size(); j++) {
                if (j != i && peers.domainOf(replicas.get(j)).equals(d)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static List<String> nodesAndSpares(PendingPut put) {
        List<String> nodes = new ArrayList<>(nodes(put));
        nodes.addAll(put.spares());
        return nodes;
    }

    /** Applies a replica's answer, from an ack record or the local store. */
    void answer(Ack ack, long nowMs) {
        PendingEntry e = pending.get(ack.key());
        if (e == null) {
            log.debug("answer of {} for {} after its put finished (or before it started here); ignored", ack.node(), ack.key());
            return;
        }
        PendingPut.Transition t = switch (ack.status()) {
            case OK -> e.put().stored(ack.node(), nowMs);
            // the refusing node counts the conflict; here it is a replica to re-place
            case CONFLICT -> e.put().failed(ack.node(), ReplicaFailure.CONFLICT, ack.message(), nowMs);
            case ERROR -> e.put().failed(ack.node(), ReplicaFailure.ERROR, ack.message(), nowMs);
        };
        apply(e, t, false, nowMs);
    }

    /** Applies the local replica answers that arrived since the last call. */
    void drainLocalAnswers(long nowMs) {
        Ack a;
        while ((a = localAnswers.poll()) != null) {
            localWritesInFlight--;
            answer(a, nowMs);
        }
    }

    /** Local writes whose answers have not been applied yet. */
    int localWritesInFlight() {
        return localWritesInFlight;
    }

    /** Times out every replica whose deadline is at or before {@code nowMs}. */
    void deadlinesPassed(long nowMs) {
        deadlines.pollDue(nowMs, key -> {
            PendingEntry e = pending.get(key);
            if (e != null) {
                apply(e, e.put().deadlinePassed(nowMs), false, nowMs);
            }
        });
    }

    int size() {
        return pending.size();
    }

    /** Event bytes (and a little overhead per put) held in memory. */
    long bytes() {
        return bytes;
    }

    /** Forgets everything in memory (the task is closing); the store keeps what must survive. */
    void clear() {
        metrics.pendingDelta(-pending.size());
        pending.clear();
        deadlines.clear();
        awaitingPublication.clear();
        reopened.clear();
        localAnswers.clear();
        localWritesInFlight = 0;
        bytes = 0;
    }

    private void track(PendingEntry e) {
        if (pending.put(e.key(), e) == null) {
            bytes += e.weight();
            metrics.pendingDelta(1);
        }
    }

    /**
     * Carries out a transition and every input it causes (a replica refused at once re-places itself on
     * the next spare), each applied to the newest state, then persists what must survive.
     */
    private void apply(PendingEntry entry, PendingPut.Transition first, boolean isNew, long nowMs) {
        handler.begin(entry.with(first.put()), nowMs);
        for (PutAction a : first.actions()) {
            a.applyTo(handler);
        }
        Function<PendingPut, PendingPut.Transition> input;
        while ((input = handler.inputs.poll()) != null) {
            PendingPut.Transition t = input.apply(handler.current.put());
            handler.current = handler.current.with(t.put());
            for (PutAction a : t.actions()) {
                a.applyTo(handler);
            }
        }
        PendingEntry e = handler.current;
        boolean changed = handler.planChanged || handler.outcomeChanged;
        if (e.awaitsPublication() && publishable(e)) {
            e = publish(e, nowMs);
            changed = true;
        }
        persist(e, isNew, changed);
    }

    /**
     * An outcome goes out once it is decided (a FAILED one once no replica runs, so that it names every node
     * holding a copy anyway) and, with at_least_once, once its ingest offset is committed: before that a crash
     * would replay the record, and the replay, planned against another live view, could report it differently.
     * With exactly-once, the outcome, the offset and the put's state commit together.
     */
    private boolean publishable(PendingEntry e) {
        PendingPut put = e.put();
        boolean ready = put.outcome() == PendingPut.Outcome.COMMITTED || put.isDone();
        return ready && (exactlyOnce || committedIngestPosition.getAsLong() > e.ingestOffset());
    }

    private PendingEntry publish(PendingEntry e, long nowMs) {
        PendingPut put = e.put();
        if (put.outcome() == PendingPut.Outcome.COMMITTED) {
            metrics.committed(put.commitLevel(), nowMs - e.startedAtMs());
            outcomes.committed(e, put.storedOn());
            if (reopened.remove(put.key())) {
                tellReplicasItCommitted(put);
            }
        } else {
            metrics.failed(put.commitLevel());
            outcomes.failed(e, e.failure());
            tellReplicasItFailed(put);
        }
        return e.publishedNow();
    }

    /** A put stays (in memory and in the store) until it is done and its outcome is out. */
    private void persist(PendingEntry e, boolean isNew, boolean changed) {
        String key = e.key();
        if (e.awaitsPublication()) {
            awaitingPublication.add(key);
        } else {
            awaitingPublication.remove(key);
        }
        if (e.put().isDone() && e.published()) {
            PendingEntry gone = pending.remove(key);
            reopened.remove(key);
            if (gone != null) {
                bytes -= gone.weight();
                metrics.pendingDelta(-1);
                tellHoldersTheTruePlan(e.put());
            }
            deadlines.remove(key);
            if (!isNew) {
                store.delete(key);
            }
            return;
        }
        PendingEntry before = pending.put(key, e);
        if (before == null) {
            bytes += e.weight();
            metrics.pendingDelta(1);
        }
        deadlines.schedule(key, e.put().nextDeadlineMs());
        if (isNew || changed) {
            store.put(key, codec.encode(e));
        }
    }

    /**
     * A finished put whose started replicas did not all store the event (failed or timed out, re-placed or not) left
     * every holder a plan naming nodes that do not hold it: with as many nodes as its RF, repair's regular passes
     * would never look at it. Its holders get the plan of the nodes known to hold it ({@link MetaUpdate#afterPut}),
     * so that a plan with fewer nodes than the RF makes repair place the missing replicas. Only such puts pay: a
     * put whose replicas all stored it sends nothing more.
     *
     * <p>A FAILED put gets no plan: its copies are FAILED copies, which repair never looks at.
     */
    private void tellHoldersTheTruePlan(PendingPut put) {
        List<String> storedOn = put.storedOn();
        if (put.outcome() == PendingPut.Outcome.FAILED) {
            return; // its copies are FAILED copies (tellReplicasItFailed): repair leaves them alone, plans do not matter
        }
        if (storedOn.isEmpty() || storedOn.size() == put.replicas().size()) {
            return; // nothing stored, or every started replica stored it
        }
        MetaUpdate update = MetaUpdate.afterPut(put.key(), storedOn, put.replicationFactor());
        for (String holder : storedOn) {
            commands.addPlan(holder, update);
        }
    }

    /**
     * Tells every node a FAILED put started a replica on that the put FAILED, so that a copy there, held now or
     * stored later, is never read as data nor repaired: this node's own directly, the others by a
     * {@link alldata.protocol.FailedCopies} record on their command topics, which comes after the put command that
     * node was sent (same producer, same topic). Nodes beyond {@code storedOn} are told too: a replica that timed out
     * or failed may still store the event, or have stored it without its answer reaching us.
     */
    private void tellReplicasItFailed(PendingPut put) {
        for (PendingPut.Replica r : put.replicas()) {
            commands.addFailed(r.node(), put.key());
        }
    }

    /**
     * Tells every node a reopened put started a replica on that it COMMITTED, taking back a FAILED marker an aborted
     * transaction of its previous owner may have left (markers travel outside the transaction and are read
     * uncommitted); a node without such a marker changes nothing. Only puts taken over with their outcome open pay.
     */
    private void tellReplicasItCommitted(PendingPut put) {
        for (PendingPut.Replica r : put.replicas()) {
            commands.addCommitted(r.node(), put.key());
        }
    }

    /** How this task carries out each action of a put; holds the put being worked on. */
    private final class ActionHandler implements PutAction.Handler {
        private final Queue<Function<PendingPut, PendingPut.Transition>> inputs = new ArrayDeque<>();
        private PendingEntry current;
        private long nowMs;
        private boolean planChanged;
        private boolean outcomeChanged;

        void begin(PendingEntry e, long now) {
            current = e;
            nowMs = now;
            planChanged = false;
            outcomeChanged = false;
            inputs.clear();
        }

        @Override
        public void startReplica(PutAction.StartReplica s) {
            if (s.isReplacement()) {
                metrics.replaced();
                planChanged = true;
            }
            send(s.node(), s.attempt(), true);
        }

        @Override
        public void resendReplica(PutAction.ResendReplica r) {
            send(r.node(), r.attempt(), false);
        }

        /** The local node's replica goes to its store; a peer's to its command topic, unless it is down. */
        private void send(String node, int attempt, boolean refuseIfDown) {
            PendingPut put = current.put();
            List<String> plan = nodes(put);
            if (node.equals(settings.nodeId())) {
                localWritesInFlight++;
                local.write(put.key(), put.event(), new ReplicaMeta(plan, settings.nodeId(), put.replicationFactor(), 0),
                        localAnswers::add);
            } else if (refuseIfDown && !peers.isLive(node) && (!put.patient() || put.spareCanStandIn(node))) {
                // re-placed on a spare at once; a patient put without one (or whose spares cannot bring the node's
                // fault domain) sends anyway and waits for the node
                long now = nowMs;
                inputs.add(p -> p.failed(node, ReplicaFailure.ERROR, "peer " + node + " is not live", now));
            } else {
                commands.add(node, new PutCommand(put.key(), put.event(), attempt, put.replicationFactor(), plan));
            }
        }

        @Override
        public void replicaLost(PutAction.ReplicaLost l) {
            String key = current.key();
            switch (l.failure()) {
                case CONFLICT -> log.error("CONFLICT: node {} holds a different event under key {}; it was not overwritten",
                        l.node(), key);
                case TIMEOUT -> log.info("replica of {} on {} timed out ({})", key, l.node(), l.message());
                default -> log.info("replica of {} on {} failed: {}", key, l.node(), l.message());
            }
        }

        @Override
        public void committed(PutAction.Committed c) {
            outcomeChanged = true; // published by apply(), once it may go out
        }

        @Override
        public void failed(PutAction.Failed f) {
            outcomeChanged = true;
            log.warn("put {} (correlation id {}) FAILED: {}", current.key(), current.correlationId(), f.reason());
            current = current.failedBecause(f.cause());
        }
    }

    private static List<String> nodes(PendingPut put) {
        List<String> nodes = new ArrayList<>(put.replicas().size());
        for (PendingPut.Replica r : put.replicas()) {
            nodes.add(r.node());
        }
        return nodes;
    }
}
