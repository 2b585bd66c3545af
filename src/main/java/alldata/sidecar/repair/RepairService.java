package alldata.sidecar.repair;

import alldata.core.Clock;
import alldata.core.IntervalDigest;
import alldata.core.NodeStatus;
import alldata.core.RepairPlanner;
import alldata.core.RepairView;
import alldata.core.ReplicationStrategy;
import alldata.protocol.AckBatch;
import alldata.protocol.MemberRecord;
import alldata.protocol.RepairStatus;
import alldata.protocol.Topics;
import alldata.sidecar.peers.PeerRequests;
import alldata.store.NodeState;
import alldata.store.ReplicaPlans;
import alldata.store.ReplicaReads;
import alldata.store.StoredPlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every event this node holds back to its replication factor, by itself: after a node is lost, when a
 * node comes back with an empty disk, for the owed replicas of degraded writes, and to move everything off this
 * node when it is decommissioned. BookKeeper's autorecovery and Cassandra's repair are the models; there is no
 * coordinator of coordinators: each node repairs the events it holds, and {@link RepairPlanner} makes the nodes
 * agree on who copies what.
 *
 * <h2>When</h2>
 * A pass over the node's events starts when its membership view changes in a way that leaves replicas missing
 * ({@link ClusterView#triggers}: a node tombstoned or down longer than {@code repair.delay.ms}, a node with a new
 * incarnation, this node draining; or more nodes take replicas after a pass left events short of nodes), at start (or resumed where a restart interrupted it), after
 * {@code repair.scan.interval.ms} (the slow pass that corrects plans whose updates were lost), and half a minute
 * after a pass that left copies failed. Events that become owed between passes (a degraded write, a replica that
 * failed with no spare) are reported by the store as they are written ({@link OwedEvents}): counted at once, and
 * tried without a pass a few seconds later and again whenever a node comes UP. A new trigger supersedes the running pass
 * (its view is outdated). Nothing runs until the membership topic has been read to its end: before that every
 * unknown node would look lost.
 *
 * <h2>How</h2>
 * A {@link RepairPass} counts the candidates per hour interval with a local scan of the plans, then repairs
 * interval by interval in batches ({@link EventRepairer}: ask the live nodes what they hold, decide, copy
 * through the command topics with replies to this node, update every holder's plan), writing its position to
 * the store after each interval (resumable), logging one line per interval repaired. Copies are throttled
 * ({@code repair.max.events.per.s}, {@code repair.max.bytes.per.s}) and run on this one thread, so puts keep
 * priority.
 *
 * <h2>Decommission</h2>
 * {@link #decommission()} (refused while fewer other nodes take replicas than the replication factor) records
 * the decommission in the store (a restart continues it), announces DRAINING (no new replicas; reads and
 * answers go on), stops this node's coordinator (its ingest partitions move to the others), and runs passes that
 * repair every event held as if this node were lost. When two passes, a settling time apart, find nothing left
 * to move, it writes its tombstone and marks its store decommissioned (it never starts again on it).
 *
 * <h2>Visible</h2>
 * {@link #status()} ({@code GET /repair/status}), the gauge {@code alldata_under_replicated_events}
 * ({@link RepairMeters}), one INFO line per interval and per pass.
 */
public final class RepairService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RepairService.class);
    /** Plans read per counting step, and per repair batch. */
    static final int COUNT_CHUNK = 5000;
    static final int REPAIR_CHUNK = 500;
    /** After a pass that left copies failed or events short, the next starts this much later. */
    static final long RETRY_MS = 30_000;
    /** The record that a decommission started (a restart continues it). */
    static final String DECOMMISSION_STATE = "decommission";
    private static final long RATE_WINDOW_MS = 30_000;
    /** The status's reason while owed events are tried outside a pass. */
    static final String OWED_REASON = "owed replicas";

    /** The membership as repair uses it. */
    public interface Membership {
        /** Whether the membership topic has been read to its end. */
        boolean caughtUp();

        /** Every member's last record. */
        Collection<MemberRecord> members();

        /** The last record of {@code node}, or null. */
        MemberRecord member(String node);

        /** Announce DRAINING from now on. */
        void drain();

        boolean draining();

        /** Stop heartbeating and write this node's tombstone. */
        void leaveForGood() throws Exception;
    }

    /**
     * The repair settings of a sidecar.
     *
     * @param node            {@code node.id}
     * @param zone            {@code zone}
     * @param region          {@code region}
     * @param strategy        the replication factor and spread every event is kept on
     * @param sessionTimeoutMs {@code membership.session.timeout.ms}
     * @param repairDelayMs   {@code repair.delay.ms}
     * @param scanIntervalMs  {@code repair.scan.interval.ms}
     * @param answerTimeoutMs how long a copy or a peer's answer is waited for
     * @param settleMs        how long a changed membership settles before repair acts on it
     */
    public record Settings(String node, String zone, String region, ReplicationStrategy strategy, long sessionTimeoutMs,
                    long repairDelayMs, long scanIntervalMs, long answerTimeoutMs, long settleMs) {
        /**
         * The settings of a node whose replicas answer within {@code replicaTimeoutMs}: answers are awaited six times
         * that (at least 30 s), and a changed membership settles twice the longer of it and the session timeout.
         */
        public static Settings of(String node, String zone, String region, ReplicationStrategy strategy,
                                  long sessionTimeoutMs, long replicaTimeoutMs, long repairDelayMs, long scanIntervalMs) {
            long answerTimeout = Math.max(30_000, 6 * replicaTimeoutMs);
            return new Settings(node, zone, region, strategy, sessionTimeoutMs, repairDelayMs, scanIntervalMs,
                    answerTimeout, 2 * Math.max(sessionTimeoutMs, replicaTimeoutMs));
        }
    }

    /**
     * How fast repair may copy, and how large its command batches may be.
     *
     * @param maxEventsPerS        {@code repair.max.events.per.s}
     * @param maxBytesPerS         {@code repair.max.bytes.per.s}
     * @param maxCommandBatchBytes {@code max.command.batch.bytes}
     */
    public record Limits(int maxEventsPerS, long maxBytesPerS, int maxCommandBatchBytes) {
    }

    /** An operator's request to repair given keys now. */
    private record ForcedJob(List<String> keys, CompletableFuture<List<EventRepairer.Outcome>> done) {
    }

    private final Settings settings;
    private final ReplicaPlans replicaPlans;
    private final ReplicaReads reads;
    private final NodeState nodeState;
    private final Membership membership;
    private final NodeIdentity identity;
    private final EventRepairer repairer;
    private final ReplyWaiter replies;
    private final Runnable stopCoordinating;
    private final Clock clock;
    private final BlockingQueue<ForcedJob> forced = new LinkedBlockingQueue<>();
    private final Object wake = new Object();
    private final Thread thread;
    private volatile boolean running = true;

    // the loop's own state
    private RepairView baseline;
    /** When this node had read the membership topic to its end (0: not yet). */
    private volatile long watchingSinceMs;
    private RepairPass pass;
    private long nextPeriodicMs;
    private long retryAtMs;
    private int quietDrainPasses;
    private long lastQuietDrainEndMs;
    private final Deque<long[]> rateSamples = new ArrayDeque<>();
    /** Longest wait of the loop while idle (tests shorten it). */
    private volatile long pauseCapMs = Long.MAX_VALUE;

    // read by status, HTTP and meters
    private volatile RepairStatus status;
    private volatile String state = "STARTING";
    private volatile String detail = "waiting for the membership view";
    private volatile long lastUnresolved;
    private long lastShort;
    /** Events the last pass left placement short (too few zones or regions while one was missing but live). */
    private long lastPlacementShort;
    private volatile long lastPassEndedMs;
    private volatile String lastPassSummary;
    private volatile boolean decommissioned;
    /** Events that became owed since the last pass started (see {@link OwedEvents}). */
    private final OwedEvents owed = new OwedEvents();
    /** The owed events of the round being tried, or null; and what the round did. */
    private Deque<String> owedRound;
    private Tally owedTally;
    private long owedRoundStartedMs;
    private int owedRoundSize;

    <S extends ReplicaReads & ReplicaPlans & NodeState> RepairService(Settings settings, S store, Membership membership,
                  NodeIdentity identity, EventRepairer repairer, ReplyWaiter replies, Runnable stopCoordinating,
                  Clock clock) {
        this.settings = settings;
        this.replicaPlans = store;
        this.reads = store;
        this.nodeState = store;
        this.membership = membership;
        this.identity = identity;
        this.repairer = repairer;
        this.replies = replies;
        this.stopCoordinating = stopCoordinating;
        this.clock = clock;
        this.thread = new Thread(this::run, "alldata-repair-" + settings.node());
        this.thread.setDaemon(true);
        this.thread.setPriority(Thread.MIN_PRIORITY);
        this.status = snapshot();
        replicaPlans.onShortPlans(owed::note);
    }

    /**
     * The repair service of a sidecar.
     *
     * @param settings         what repair decides with
     * @param topics           the topic names
     * @param limits           how fast it copies
     * @param producer         sends copies and plan updates; shared, never closed here
     * @param peers            asks peers' HTTP APIs which events they hold
     * @param stopCoordinating stops this node's coordinator (a decommission); called on its own thread
     */
    public static <S extends ReplicaReads & ReplicaPlans & NodeState> RepairService create(Settings settings,
            Topics topics, Limits limits, S store, Producer<byte[], byte[]> producer, Membership membership,
            NodeIdentity identity, PeerRequests peers, Runnable stopCoordinating) {
        ReplyWaiter replies = new ReplyWaiter();
        EventRepairer repairer = new EventRepairer(settings.node(), store, producer, topics, membership::member,
                new HoldsClient(peers), replies,
                new TokenBucket(limits.maxEventsPerS(), Clock.SYSTEM::nanoTime),
                new TokenBucket(limits.maxBytesPerS(), Clock.SYSTEM::nanoTime), settings.strategy(),
                settings.answerTimeoutMs(), limits.maxCommandBatchBytes(), Clock.SYSTEM,
                nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
        return new RepairService(settings, store, membership, identity, repairer, replies, stopCoordinating,
                Clock.SYSTEM);
    }

    /** Whether this node's store records a decommission in progress (the sidecar then does not coordinate). */
    public static boolean decommissionStarted(NodeState store) {
        return store.state(DECOMMISSION_STATE).isPresent();
    }

    public void start() {
        thread.start();
    }

    /** Answers to this node's copies, as the replica writer reads them from its command topic. */
    public void onReplies(AckBatch answers) {
        replies.accept(answers);
    }

    /** Conflicts repair has met since start (a counter: a conflict left in place is counted again by later passes). */
    public long conflictsMet() {
        return repairer.conflictsMet();
    }

    /** What repair is doing. */
    public RepairStatus status() {
        return status;
    }

    /** Events below their replication factor this node has yet to repair (the gauge). */
    long underReplicated() {
        RepairStatus s = status;
        return s.underReplicated();
    }

    /**
     * Starts decommissioning this node: see the class comment.
     *
     * @throws IllegalStateException when it cannot start (too few other nodes, already decommissioned)
     */
    public synchronized RepairStatus decommission() {
        if (decommissioned) {
            return status;
        }
        if (!membership.draining()) {
            RepairView view = view(clock.nowMs());
            long others = view.members().stream()
                    .filter(m -> !m.id().equals(settings.node()) && m.status() == NodeStatus.UP).count();
            int rf = settings.strategy().replicationFactor();
            if (others < rf) {
                throw new IllegalStateException("cannot decommission " + settings.node() + ": replication factor " + rf
                        + " needs " + rf + " other nodes that take replicas, and " + others + " are UP");
            }
            nodeState.putState(DECOMMISSION_STATE, Long.toString(clock.nowMs()).getBytes(StandardCharsets.US_ASCII));
            beginDraining();
            state = "DRAINING";
            detail = "decommission starting";
            publish();
        }
        wakeUp();
        return status;
    }

    /** Announces DRAINING and hands this node's coordination to the others. */
    private void beginDraining() {
        log.info("decommission of {} starts: it takes no new replicas, stops coordinating, and moves every replica it"
                + " holds to other nodes", settings.node());
        membership.drain();
        Thread stopper = new Thread(stopCoordinating, "alldata-stop-coordinating-" + settings.node());
        stopper.setDaemon(true);
        stopper.start();
    }

    /** Resumes a decommission recorded in the store (after a restart). */
    public void resumeDecommission() {
        if (decommissionStarted(nodeState) && !membership.draining()) {
            log.info("{} restarted during its decommission: it continues", settings.node());
            membership.drain();
        }
    }

    /**
     * Repairs {@code keys} now, as the node responsible for them (an operator found them with
     * {@code alldata repair check}); waits for the outcome.
     */
    public List<EventRepairer.Outcome> repairNow(List<String> keys) throws InterruptedException {
        if (!running || decommissioned) {
            throw new IllegalStateException("repair of " + settings.node() + " is not running");
        }
        ForcedJob job = new ForcedJob(List.copyOf(keys), new CompletableFuture<>());
        forced.add(job);
        wakeUp();
        try {
            return job.done().get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("repair of the given keys failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("repair of the given keys did not finish within 10 minutes");
        }
    }

    private void wakeUp() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void pause(long ms) throws InterruptedException {
        long capped = Math.min(ms, pauseCapMs);
        if (capped <= 0) {
            return;
        }
        synchronized (wake) {
            if (running && forced.isEmpty()) {
                wake.wait(capped);
            }
        }
    }

    /** Caps the loop's waits (tests drive {@link #turn()} themselves). */
    void capPauses(long ms) {
        pauseCapMs = ms;
    }

    private void run() {
        while (running) {
            try {
                turn();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("repair of {} failed ({}); it tries again in 5 s", settings.node(), e.toString(), e);
                detail = "last error: " + e;
                publish();
                try {
                    pause(5000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One turn of the loop: at most one step of one pass, so that triggers and operators are heard quickly. */
    void turn() throws InterruptedException {
        if (decommissioned) {
            pause(60_000);
            return;
        }
        if (!membership.caughtUp()) {
            state = "STARTING";
            detail = "waiting for the membership view";
            publish();
            pause(200);
            return;
        }
        long now = clock.nowMs();
        if (watchingSinceMs == 0) {
            watchingSinceMs = now;
        }
        RepairView view = view(now);
        runForcedJobs(view);
        if (baseline == null) {
            baseline = view;
            startFirstPass(now);
        }
        List<String> reasons = new ArrayList<>(ClusterView.triggers(baseline, view));
        if (lastShort > 0 && view.takingReplicas() > baseline.takingReplicas()) {
            reasons.add("more nodes take replicas: " + lastShort + " events were short of nodes");
        }
        if (!RepairPlanner.wantedSpread(settings.strategy()).none()
                && domainsTakingReplicas(view) > domainsTakingReplicas(baseline)) {
            // events written while it was away may span too few zones or regions: repair restores spread
            reasons.add("a zone or region takes replicas again");
        }
        baseline = view;
        if (!reasons.isEmpty()) {
            startPass(String.join("; ", reasons), now);
        }
        owed.intake(key -> owedAndMine(key, view, true), now);
        owed.observeUp(upNodes(view));
        if (pass == null && !membership.draining() && (owedRound != null || startOwedRound(now))) {
            owedStep(view, now);
            publish();
            return;
        }
        if (pass == null && !idle(view, now)) {
            return;
        }
        if (pass != null) {
            step(view, now);
        }
        publish();
    }

    /** No pass runs: start one if one is due, finish a decommission, or wait; false when nothing is to be done now. */
    private boolean idle(RepairView view, long now) throws InterruptedException {
        if (membership.draining()) {
            return drainNext(now);
        }
        if (now >= nextPeriodicMs) {
            startPass("periodic pass", now);
            return true;
        }
        if (retryAtMs > 0 && now >= retryAtMs) {
            startPass("retry of what the last pass left undone", now);
            return true;
        }
        state = "IDLE";
        detail = owed.count() > 0 ? owed.count() + " events owe replicas that no node can take yet; tried again when"
                + " a node comes UP" : null;
        publish();
        pause(1000);
        return false;
    }

    /**
     * Whether this node holds {@code key} under a plan that needs repair and is the one to complete it (with the
     * presumption a pass's estimate makes: every heartbeating node holds what its plan says).
     *
     * @param notOwnRepairs false for a plan this node's own repair wrote: the pass or round that wrote it counts the
     *                      event already (as unresolved) and tries it again itself
     */
    private boolean owedAndMine(String key, RepairView view, boolean notOwnRepairs) {
        Optional<alldata.protocol.ReplicaMeta> m = replicaPlans.meta(key);
        if (m.isEmpty() || reads.isFailed(key)) {
            return false; // a FAILED put's copy owes nothing: it is not part of the data
        }
        var meta = m.get();
        if (notOwnRepairs && meta.epoch() > 1 && meta.coordinator().equals(settings.node())) {
            return false;
        }
        return RepairPlanner.needsRepair(meta.replicas(), meta.replicationFactor(), meta.planSinceMs(), view)
                && RepairPass.likelyCopies(new StoredPlan(key, meta), view, settings.strategy());
    }

    /** Zones (and so regions) with a node that takes replicas. */
    private static int domainsTakingReplicas(RepairView view) {
        java.util.Set<alldata.core.FaultDomain> domains = new java.util.HashSet<>();
        for (RepairView.Member m : view.members()) {
            if (m.status().takesReplicas()) {
                domains.add(view.domainOf(m.id()));
            }
        }
        return domains.size();
    }

    private static java.util.Set<String> upNodes(RepairView view) {
        java.util.Set<String> up = new java.util.HashSet<>();
        for (RepairView.Member m : view.members()) {
            if (m.status().takesReplicas()) {
                up.add(m.id());
            }
        }
        return up;
    }

    /** Starts a round over owed events when one is due (or a full pass, when more are owed than tracked). */
    private boolean startOwedRound(long now) {
        OwedEvents.Round due = owed.due(now);
        if (due == OwedEvents.Round.FULL_PASS) {
            startPass("a node came UP and more events owe replicas than are tracked by key", now);
            return false;
        }
        if (due == OwedEvents.Round.NONE) {
            return false;
        }
        List<String> keys = owed.take(due);
        owedTally = new Tally(); // before the round itself: status reads them together
        owedRoundSize = keys.size();
        owedRoundStartedMs = now;
        owedRound = new ArrayDeque<>(keys);
        return true;
    }

    /**
     * One batch of the owed round: the events some UP node outside their plan could take are repaired as a pass
     * would (the holders are asked, the first verified holder copies); the others wait for a node to come UP.
     */
    private void owedStep(RepairView view, long now) throws InterruptedException {
        state = "REPAIRING";
        detail = null;
        List<StoredPlan> candidates = new ArrayList<>();
        for (int i = 0; i < REPAIR_CHUNK && !owedRound.isEmpty(); i++) {
            String key = owedRound.poll();
            Optional<alldata.protocol.ReplicaMeta> m = replicaPlans.meta(key);
            if (m.isEmpty() || reads.isFailed(key) || !RepairPlanner.needsRepair(m.get().replicas(), m.get().replicationFactor(),
                    m.get().planSinceMs(), view)) {
                owed.tried(key, false);
            } else if (!someUpNodeOutside(m.get().replicas(), view)) {
                owed.tried(key, true); // asking the peers could only end in "short of nodes"
            } else {
                candidates.add(new StoredPlan(key, m.get()));
            }
        }
        Tally batch = repairer.repair(candidates, view, false, null);
        owedTally.add(batch);
        for (StoredPlan c : candidates) {
            owed.tried(c.key(), owedAndMine(c.key(), view, false));
        }
        if (batch.failed > 0) {
            owed.retryAt(now + RETRY_MS);
        }
        if (owedRound.isEmpty()) {
            if (owedTally.looked > 0) {
                log.info("repair of {}: owed replicas: {}, in {} ms", settings.node(), owedTally,
                        clock.nowMs() - owedRoundStartedMs);
            }
            owedRound = null;
            state = "IDLE";
            detail = null;
        }
    }

    private static boolean someUpNodeOutside(List<String> plan, RepairView view) {
        for (RepairView.Member m : view.members()) {
            if (m.status().takesReplicas() && !plan.contains(m.id())) {
                return true;
            }
        }
        return false;
    }

    private void startFirstPass(long now) {
        Optional<RepairPass.Progress> stored = nodeState.state(RepairPass.STATE).map(RepairPass::readProgress)
                .filter(p -> p != null && p.active());
        if (stored.isPresent()) {
            pass = RepairPass.resume(stored.get());
            log.info("repair of {} resumes its pass ({}) from {}", settings.node(), pass.reason,
                    stored.get().resumeFrom() == null ? "the beginning" : "interval " + stored.get().resumeFrom());
        } else {
            startPass("start-up pass", now);
        }
    }

    private void startPass(String reason, long now) {
        if (pass != null && pass.phase() != RepairPass.Phase.DONE) {
            log.info("repair pass of {} ({}) superseded: {}", settings.node(), pass.reason, reason);
        } else {
            log.info("repair pass of {} starts: {}", settings.node(), reason);
        }
        pass = new RepairPass(reason, now, null);
        owed.passStarted(); // the pass looks at every event held now, owed ones included
        owedRound = null;
        retryAtMs = 0;
        rateSamples.clear();
    }

    /** One step of the running pass: a chunk of counting, or one batch of repairs. */
    private void step(RepairView view, long now) throws InterruptedException {
        state = membership.draining() ? "DRAINING" : "REPAIRING";
        if (pass.phase() == RepairPass.Phase.COUNTING) {
            detail = "counting the events to look at";
            List<StoredPlan> chunk = replicaPlans.scanPlans(pass.countFrom(), null, COUNT_CHUNK);
            pass.count(chunk, chunk.size() == COUNT_CHUNK, view, settings.strategy());
            return;
        }
        String interval = pass.interval(now);
        if (interval == null) {
            finishPass(now);
            return;
        }
        detail = null;
        List<StoredPlan> plans = replicaPlans.scanPlans(pass.cursor(), IntervalDigest.upperBound(interval), REPAIR_CHUNK);
        List<StoredPlan> candidates = new ArrayList<>();
        List<String> spreadShort = new ArrayList<>();
        for (StoredPlan p : plans) {
            var m = p.meta();
            if (RepairPlanner.needsRepair(m.replicas(), m.replicationFactor(), m.planSinceMs(), view, settings.strategy())) {
                candidates.add(p);
                if (RepairPlanner.placementShort(m.replicas(), m.replicationFactor(), m.planSinceMs(), view, settings.strategy()) != null) {
                    spreadShort.add(p.key());
                }
            }
        }
        Tally batch = repairer.repair(candidates, view, false, null);
        // spread restored: the plan this node keeps now spans the missing fault domain
        pass.spreadRestored(spreadShort.stream().filter(key -> replicaPlans.meta(key)
                .filter(m -> RepairPlanner.placementShort(m.replicas(), m.replicationFactor(), m.planSinceMs(), view, settings.strategy()) == null)
                .isPresent()).count());
        if (!plans.isEmpty()) {
            pass.repaired(batch, candidates.size(), plans.get(plans.size() - 1).key());
        }
        sampleRate(now);
        if (plans.size() < REPAIR_CHUNK) {
            long started = pass.intervalStartedMs();
            Tally done = pass.closeInterval();
            if (done.looked > 0) {
                log.info("repair of {} interval {} ({}): {}, in {} ms", settings.node(), interval, pass.reason, done,
                        clock.nowMs() - started);
            }
            nodeState.putState(RepairPass.STATE, pass.progress().encode());
            if (pass.phase() == RepairPass.Phase.DONE) {
                finishPass(clock.nowMs());
            }
        }
    }

    private void finishPass(long now) {
        Tally t = pass.totals;
        long took = now - pass.startedAtMs;
        nodeState.putState(RepairPass.STATE, pass.progress().encode());
        lastPassSummary = pass.reason + ": " + t + " (" + took / 1000 + " s)";
        log.info("repair pass of {} done ({}): {}, in {} s", settings.node(), pass.reason, t, took / 1000);
        lastUnresolved = t.unresolved;
        lastShort = t.shortOfNodes;
        lastPlacementShort = pass.placementShort();
        RepairView view = view(now);
        owed.passFinished(key -> owedAndMine(key, view, false));
        lastPassEndedMs = now;
        nextPeriodicMs = now + settings.scanIntervalMs();
        retryAtMs = t.unresolved > 0 || t.failed > 0 ? now + RETRY_MS : 0;
        if (membership.draining()) {
            if (t.quiet()) {
                quietDrainPasses++;
                lastQuietDrainEndMs = now;
            } else {
                quietDrainPasses = 0;
            }
            if (t.unresolved > 0) {
                state = "DRAIN_BLOCKED";
                detail = t.unresolved + " events cannot leave " + settings.node() + " yet (" + t.shortOfNodes
                        + " short of nodes, " + t.conflicts + " conflicts, " + t.failed + " copies failed); retrying in "
                        + RETRY_MS / 1000 + " s";
                log.warn("decommission of {} blocked: {}", settings.node(), detail);
            }
        }
        pass = null;
    }

    /**
     * While draining with no pass running: another pass (at once after one that moved events, after the retry time
     * after one that was blocked, after the settling time after a quiet one), or, after two quiet passes, the end.
     */
    private boolean drainNext(long now) throws InterruptedException {
        if (quietDrainPasses >= 2) {
            finishDecommission(now);
            return false;
        }
        long due = quietDrainPasses == 1 ? lastQuietDrainEndMs + settings.settleMs() : retryAtMs;
        if (now >= due) {
            startPass(quietDrainPasses == 1 ? "decommission: confirming nothing is left" : "decommission", now);
            return true;
        }
        if (quietDrainPasses == 1) {
            detail = "every replica moved; confirming in " + (due - now) / 1000 + " s";
        }
        publish();
        pause(Math.min(1000, due - now));
        return false;
    }

    private void finishDecommission(long now) throws InterruptedException {
        try {
            membership.leaveForGood();
        } catch (Exception e) {
            log.warn("decommission of {}: the tombstone was not written ({}); retrying in 5 s", settings.node(), e.toString());
            pause(5000);
            return;
        }
        StartupIdentity.markDecommissioned(nodeState, identity, now);
        decommissioned = true;
        state = "DECOMMISSIONED";
        detail = "every replica moved to other nodes and the tombstone written: stop this sidecar; its data directory is"
                + " no longer needed";
        log.info("decommission of {} complete: {}", settings.node(), detail);
        publish();
    }

    private void runForcedJobs(RepairView view) {
        ForcedJob job;
        while ((job = forced.poll()) != null) {
            try {
                List<StoredPlan> plans = new ArrayList<>();
                List<EventRepairer.Outcome> outcomes = new ArrayList<>();
                for (String key : job.keys()) {
                    if (reads.isFailed(key)) {
                        // a FAILED put's copy is not part of the data: never copied, even when an operator asks
                        outcomes.add(new EventRepairer.Outcome(key, "its put FAILED; a copy here is a FAILED copy, not"
                                + " repaired"));
                        continue;
                    }
                    Optional<alldata.protocol.ReplicaMeta> m = replicaPlans.meta(key);
                    if (m.isPresent()) {
                        plans.add(new StoredPlan(key, m.get()));
                    } else {
                        outcomes.add(new EventRepairer.Outcome(key, "not held on " + settings.node()));
                    }
                }
                repairer.repair(plans, view, true, outcomes);
                job.done().complete(outcomes);
            } catch (InterruptedException e) {
                job.done().completeExceptionally(e);
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                job.done().completeExceptionally(e);
            }
        }
    }

    RepairView view(long now) {
        return ClusterView.of(new ClusterView.Self(settings.node(), settings.zone(), settings.region(),
                        identity.startedEmptyAtMs(), membership.draining()), membership.members(), now,
                settings.sessionTimeoutMs(), settings.repairDelayMs(), watchingSinceMs == 0 ? now : watchingSinceMs);
    }

    private void sampleRate(long now) {
        rateSamples.addLast(new long[] {now, pass.done()});
        while (rateSamples.size() > 2 && now - rateSamples.peekFirst()[0] > RATE_WINDOW_MS) {
            rateSamples.removeFirst();
        }
    }

    private void publish() {
        status = snapshot();
    }

    private RepairStatus snapshot() {
        RepairPass p = pass;
        Deque<String> round = owedRound;
        if (p == null && round != null) {
            Tally t = owedTally;
            return new RepairStatus(settings.node(), state, OWED_REASON, detail, null, 0, owedRoundSize,
                    owedRoundSize - round.size(), t.copies, t.replanned, lastUnresolved + owed.count(), t.shortOfNodes,
                    t.conflicts, t.failed, 0, -1, owedRoundStartedMs, lastPassEndedMs, lastPassSummary, lastPlacementShort);
        }
        if (p == null) {
            return new RepairStatus(settings.node(), state, null, detail, null, 0, 0, 0, 0, 0, lastUnresolved + owed.count(),
                    0, 0, 0, 0, -1, 0, lastPassEndedMs, lastPassSummary, lastPlacementShort);
        }
        double rate = 0;
        if (rateSamples.size() >= 2) {
            long[] first = rateSamples.peekFirst();
            long[] last = rateSamples.peekLast();
            rate = last[0] > first[0] ? (last[1] - first[1]) * 1000.0 / (last[0] - first[0]) : 0;
        }
        long left = Math.max(0, p.toRepair() - p.done());
        long eta = p.phase() == RepairPass.Phase.COUNTING ? -1 : left == 0 ? 0 : rate > 0 ? (long) (left / rate) : -1;
        Tally t = p.totals;
        return new RepairStatus(settings.node(), state, p.reason, detail, p.currentInterval(), p.intervalsLeft(),
                p.toRepair(), p.done(), t.copies, t.replanned, p.underReplicated() + owed.count(), t.shortOfNodes, t.conflicts,
                t.failed,
                Math.round(rate * 10) / 10.0, eta, p.startedAtMs, lastPassEndedMs, lastPassSummary, p.placementShort());
    }

    /** Stops the loop (a pass in progress resumes at its interval after a restart). */
    @Override
    public void close() {
        running = false;
        wakeUp();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
