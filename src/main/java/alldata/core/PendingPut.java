package alldata.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The progress of one put: an immutable value. Each input ({@link #stored}, {@link #failed},
 * {@link #deadlinePassed}) returns a {@link Transition}: the next state and the actions to take.
 *
 * <pre>
 *  outcome:  PENDING ──(stored count reaches required, and the stored replicas span the fault domains)──► COMMITTED
 *               ├──────(seed rule: no spare left and stored + running &lt; required)──► FAILED
 *               ├──────(no replica that may still store it, nor a spare, can bring a missing zone or region)──► FAILED
 *               └──────(patient: every replica answered and too few stored, or the put deadline passed)──► FAILED
 *
 *  replica:  RUNNING ──stored──► STORED
 *               ├──error / conflict──► FAILED ─┐
 *               └──deadline passed──► TIMED_OUT ┴─(late stored)─► STORED
 * </pre>
 *
 * <p>Every failure of a running replica starts the next unused spare ("get it done"), also after the
 * put is committed, so that replication carries on towards the replication factor. The put is
 * {@linkplain #isDone() done} once its outcome is known and no replica is running.
 *
 * <p>Two rules decide a put that cannot reach its commit level at once. The seed's rule ({@code putTimeoutMs} 0,
 * the library's): a timed-out replica counts as lost, so the put FAILS when no spare is left. The patient rule
 * (the sidecar's, {@code put.timeout.ms}): a timed-out replica is re-placed when a spare exists, but its command
 * stays durable in its node's command topic and its late answer still counts, so the first answers that meet the
 * commit level win. The put FAILS early only when the outcome can no longer change (every started replica
 * answered, too few stored), otherwise only once its put deadline passed.
 *
 * <p>A {@link SpreadRequirement} (min zones, min regions) is a second condition of COMMITTED, never degraded: a
 * re-placement takes a spare in a missing zone or region first, a spare is started as an extra replica when the
 * replicas that may still store the event cannot span the requirement, and the put FAILS naming the missing fault
 * domains once nothing can bring them. With {@link SpreadRequirement#NONE} a put behaves exactly as before.
 *
 * @param key               the AllData key
 * @param event             the event bytes, exactly as produced
 * @param commitLevel       the commit level of this put
 * @param replicationFactor replicas wanted in all
 * @param replicaTimeoutMs  time a started replica has to answer
 * @param replicas          started replicas, in the order they were started
 * @param spares            unused peers, in the order re-placements try them
 * @param outcome           the put's outcome so far
 * @param putTimeoutMs      how long the put waits for slow or returning replicas before it FAILS; 0 for the
 *                          seed's rule (a put is decided by its replicas' timeouts)
 * @param putDeadlineMs     when the put FAILS if its commit level is not met by then (epoch ms; patient rule only)
 * @param spread            the fault domains its acked replicas must span before it commits ({@link
 *                          SpreadRequirement#NONE}: the commit level alone decides)
 * @param domains           where its replicas and spares run, as known when it started or was restored; a node
 *                          missing here counts towards no zone or region
 */
public record PendingPut(
        String key,
        byte[] event,
        CommitLevel commitLevel,
        int replicationFactor,
        long replicaTimeoutMs,
        List<Replica> replicas,
        List<String> spares,
        Outcome outcome,
        long putTimeoutMs,
        long putDeadlineMs,
        SpreadRequirement spread,
        Map<String, FaultDomain> domains) {

    /** The put's outcome; each is reported once. */
    public enum Outcome {
        PENDING, COMMITTED, FAILED;

        private static final Map<Outcome, Set<Outcome>> NEXT = new EnumMap<>(Map.of(
                PENDING, EnumSet.of(COMMITTED, FAILED),
                COMMITTED, EnumSet.noneOf(Outcome.class),
                FAILED, EnumSet.noneOf(Outcome.class)));

        /** True when this outcome may become {@code to}. */
        public boolean canMoveTo(Outcome to) {
            return NEXT.get(this).contains(to);
        }

        Outcome moveTo(Outcome to) {
            if (!canMoveTo(to)) {
                throw new IllegalStateException("illegal outcome transition " + this + " -> " + to);
            }
            return to;
        }
    }

    /** The state of one started replica. */
    public enum ReplicaState {
        RUNNING, STORED, FAILED, TIMED_OUT;

        private static final Map<ReplicaState, Set<ReplicaState>> NEXT = new EnumMap<>(Map.of(
                RUNNING, EnumSet.of(STORED, FAILED, TIMED_OUT),
                STORED, EnumSet.noneOf(ReplicaState.class),
                // a late "stored" still counts: the node holds the event
                FAILED, EnumSet.of(STORED),
                // under the patient rule a timed-out replica's late refusal is final too
                TIMED_OUT, EnumSet.of(STORED, FAILED)));

        /** True when a replica in this state may move to {@code to}. */
        public boolean canMoveTo(ReplicaState to) {
            return NEXT.get(this).contains(to);
        }
    }

    /**
     * One started replica.
     *
     * @param node       where it is stored
     * @param state      its state
     * @param deadlineMs when it times out if still running (epoch ms)
     * @param attempt    1 for the planned replicas, then one more per re-placement
     */
    public record Replica(String node, ReplicaState state, long deadlineMs, int attempt) {
        public Replica {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(state, "state");
        }

        Replica with(ReplicaState next) {
            return new Replica(node, next, deadlineMs, attempt);
        }
    }

    /** The next state and the actions it asks for. */
    public record Transition(PendingPut put, List<PutAction> actions) {
        public Transition {
            Objects.requireNonNull(put, "put");
            actions = List.copyOf(actions);
        }
    }

    public PendingPut {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(commitLevel, "commitLevel");
        Objects.requireNonNull(outcome, "outcome");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, got " + replicationFactor);
        }
        if (replicaTimeoutMs <= 0) {
            throw new IllegalArgumentException("replicaTimeoutMs must be positive, got " + replicaTimeoutMs);
        }
        if (putTimeoutMs < 0) {
            throw new IllegalArgumentException("putTimeoutMs must not be negative, got " + putTimeoutMs);
        }
        replicas = List.copyOf(replicas);
        spares = List.copyOf(spares);
        Objects.requireNonNull(spread, "spread");
        domains = Map.copyOf(domains);
    }

    /** A put without a fault-domain requirement. */
    public PendingPut(String key, byte[] event, CommitLevel commitLevel, int replicationFactor, long replicaTimeoutMs,
                      List<Replica> replicas, List<String> spares, Outcome outcome, long putTimeoutMs,
                      long putDeadlineMs) {
        this(key, event, commitLevel, replicationFactor, replicaTimeoutMs, replicas, spares, outcome, putTimeoutMs,
                putDeadlineMs, SpreadRequirement.NONE, Map.of());
    }

    /** A put under the seed's rule: decided by its replicas' timeouts, no put deadline. */
    public PendingPut(String key, byte[] event, CommitLevel commitLevel, int replicationFactor, long replicaTimeoutMs,
                      List<Replica> replicas, List<String> spares, Outcome outcome) {
        this(key, event, commitLevel, replicationFactor, replicaTimeoutMs, replicas, spares, outcome, 0, Long.MAX_VALUE);
    }

    /** True under the patient rule: timeouts re-place but do not abandon; the put deadline decides. */
    public boolean patient() {
        return putTimeoutMs > 0;
    }

    /**
     * Starts a put with the seed's rule ({@link WhenShort#FAIL}): one {@link PutAction.StartReplica} per
     * planned replica, or an immediate {@link PutAction.Failed} (nothing written) when the plan has fewer
     * nodes than the replication factor.
     */
    public static Transition start(String key, byte[] event, Placement plan, CommitLevel commitLevel,
                                   int replicationFactor, long replicaTimeoutMs, long nowMs) {
        return start(key, event, plan, commitLevel, replicationFactor, replicaTimeoutMs, nowMs, WhenShort.FAIL);
    }

    /**
     * Starts a put: one {@link PutAction.StartReplica} per planned replica. When the plan has fewer nodes
     * than the replication factor, {@link WhenShort#FAIL} fails at once and {@link WhenShort#DEGRADE}
     * starts the replicas it has, as long as they can meet the commit level (the rest are
     * {@linkplain #owed() owed}); either way a put that cannot start writes nothing.
     */
    public static Transition start(String key, byte[] event, Placement plan, CommitLevel commitLevel,
                                   int replicationFactor, long replicaTimeoutMs, long nowMs, WhenShort whenShort) {
        return start(key, event, plan, commitLevel, replicationFactor, replicaTimeoutMs, nowMs, whenShort, 0);
    }

    /**
     * Starts a put as {@link #start(String, byte[], Placement, CommitLevel, int, long, long, WhenShort)} does; with
     * a positive {@code putTimeoutMs} under the patient rule (see the class comment), its put deadline
     * {@code nowMs + putTimeoutMs}.
     */
    public static Transition start(String key, byte[] event, Placement plan, CommitLevel commitLevel,
                                   int replicationFactor, long replicaTimeoutMs, long nowMs, WhenShort whenShort,
                                   long putTimeoutMs) {
        return start(key, event, plan, commitLevel, replicationFactor, replicaTimeoutMs, nowMs, whenShort, putTimeoutMs,
                SpreadRequirement.NONE, Map.of());
    }

    /**
     * Starts a put as {@link #start(String, byte[], Placement, CommitLevel, int, long, long, WhenShort, long)} does,
     * one that commits only once its acked replicas also span {@code spread}'s fault domains. Such a requirement is
     * never degraded: the put waits while a replica that may still answer, or a spare, could bring a missing zone or
     * region, and FAILS naming them when none can (under the patient rule at its put deadline at the latest).
     *
     * @param domains where the plan's replicas and spares run
     */
    public static Transition start(String key, byte[] event, Placement plan, CommitLevel commitLevel,
                                   int replicationFactor, long replicaTimeoutMs, long nowMs, WhenShort whenShort,
                                   long putTimeoutMs, SpreadRequirement spread, Map<String, FaultDomain> domains) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(whenShort, "whenShort");
        int placed = plan.replicas().size();
        int required = commitLevel.required(replicationFactor);
        if (placed < replicationFactor && (whenShort == WhenShort.FAIL || placed < required)) {
            PendingPut failed = new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                    List.of(), List.of(), Outcome.FAILED, putTimeoutMs, Long.MAX_VALUE, spread, domains);
            int peers = placed - 1 + plan.spares().size();
            String why = whenShort == WhenShort.FAIL
                    ? "replication factor " + replicationFactor + " needs " + (replicationFactor - 1)
                            + " peers besides the local node, " + peers + " known"
                    : "commit level " + commitLevel + " needs " + required + " replicas and only " + placed
                            + " nodes are live (" + peers + " peers besides the local node)";
            return new Transition(failed, List.of(new PutAction.Failed(
                    "not enough live peers for key " + key + ": " + why + "; nothing was written")));
        }
        if (!spread.none()) {
            List<FaultDomain> reachable = new ArrayList<>();
            for (String node : plan.replicas()) {
                reachable.add(domains.getOrDefault(node, FaultDomain.UNKNOWN));
            }
            for (String node : plan.spares()) {
                reachable.add(domains.getOrDefault(node, FaultDomain.UNKNOWN));
            }
            if (!spread.metBy(reachable)) {
                // an explicit requirement is never degraded: no node known can bring the missing domains
                PendingPut failed = new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                        List.of(), List.of(), Outcome.FAILED, putTimeoutMs, Long.MAX_VALUE, spread, domains);
                return new Transition(failed, List.of(new PutAction.Failed("fault domains not met for key " + key
                        + " (" + spread + "): the plan and its spares span zones "
                        + SpreadRequirement.zoneNames(reachable) + ", regions " + SpreadRequirement.regionNames(reachable)
                        + "; missing " + spread.shortfall(reachable) + " (no known node there); nothing was written")));
            }
        }
        List<Replica> started = new ArrayList<>(plan.replicas().size());
        List<PutAction> actions = new ArrayList<>(plan.replicas().size());
        for (String node : plan.replicas()) {
            started.add(new Replica(node, ReplicaState.RUNNING, deadline(nowMs, replicaTimeoutMs), 1));
            actions.add(new PutAction.StartReplica(node, 1, null));
        }
        PendingPut put = new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                started, plan.spares(), Outcome.PENDING, putTimeoutMs,
                putTimeoutMs > 0 ? deadline(nowMs, putTimeoutMs) : Long.MAX_VALUE, spread, domains);
        // a plan that cannot span the requirement starts a spare that can, or fails at once
        return new Transition(put.checkReachable(actions, nowMs), actions);
    }

    /** Stored replicas needed for the commit level. */
    public int required() {
        return commitLevel.required(replicationFactor);
    }

    /** Where {@code node} runs, or {@link FaultDomain#UNKNOWN}. */
    public FaultDomain domainOf(String node) {
        return domains.getOrDefault(node, FaultDomain.UNKNOWN);
    }

    /** The fault domains of {@code nodes}, in their order. */
    public List<FaultDomain> domainsOf(List<String> nodes) {
        List<FaultDomain> out = new ArrayList<>(nodes.size());
        for (String n : nodes) {
            out.add(domainOf(n));
        }
        return out;
    }

    /** True when the stored replicas span the fault domains this put asks for. */
    public boolean spreadMet() {
        return spread.none() || spread.metBy(domainsOf(storedOn()));
    }

    /** The same put with its nodes located anew (a restored put: locations are not stored with it). */
    public PendingPut withDomains(Map<String, FaultDomain> located) {
        return new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs, replicas, spares, outcome,
                putTimeoutMs, putDeadlineMs, spread, located);
    }

    /** Nodes holding the event, in the order their replicas were started. */
    public List<String> storedOn() {
        return nodesIn(ReplicaState.STORED);
    }

    /** Started replicas still waiting for an answer. */
    public int running() {
        return nodesIn(ReplicaState.RUNNING).size();
    }

    /**
     * Replicas still missing towards the replication factor: neither stored nor running. Non-zero after a
     * degraded start, or when a replica failed with no spare left; repair completes them.
     */
    public int owed() {
        return Math.max(0, replicationFactor - storedOn().size() - running());
    }

    /**
     * Resumes a put whose answers were lost with its previous owner (a task that moved, a restart): every
     * running replica is asked again ({@link PutAction.ResendReplica}) and gets a fresh deadline from
     * {@code nowMs}, the new owner's clock, not the old owner's; so does the put deadline. Under the patient rule
     * a timed-out replica is asked again too: its late answer still counts.
     */
    public Transition resume(long nowMs) {
        List<Replica> next = new ArrayList<>(replicas.size());
        List<PutAction> actions = new ArrayList<>();
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.RUNNING) {
                next.add(new Replica(r.node(), ReplicaState.RUNNING, deadline(nowMs, replicaTimeoutMs), r.attempt()));
                actions.add(new PutAction.ResendReplica(r.node(), r.attempt()));
            } else {
                if (r.state() == ReplicaState.TIMED_OUT && patient() && outcome == Outcome.PENDING) {
                    actions.add(new PutAction.ResendReplica(r.node(), r.attempt()));
                }
                next.add(r);
            }
        }
        return new Transition(new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs, next,
                spares, outcome, putTimeoutMs, patient() ? deadline(nowMs, putTimeoutMs) : putDeadlineMs, spread,
                domains), actions);
    }

    /** True once the outcome is known and no replica is running: the put can be forgotten. */
    public boolean isDone() {
        return outcome != Outcome.PENDING && running() == 0;
    }

    /**
     * The earliest deadline of a running replica, or of the put itself while its outcome is open (patient rule),
     * or {@link Long#MAX_VALUE} when there is none.
     */
    public long nextDeadlineMs() {
        long next = patient() && outcome == Outcome.PENDING ? putDeadlineMs : Long.MAX_VALUE;
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.RUNNING) {
                next = Math.min(next, r.deadlineMs());
            }
        }
        return next;
    }

    /** The replica started on {@code node}, if any. */
    public Replica replica(String node) {
        for (Replica r : replicas) {
            if (r.node().equals(node)) {
                return r;
            }
        }
        return null;
    }

    /**
     * {@code node} stored the event. Counts even when the replica had failed or timed out; ignored for a
     * node that was never started or that already reported it.
     */
    public Transition stored(String node, long nowMs) {
        Replica r = replica(node);
        if (r == null || !r.state().canMoveTo(ReplicaState.STORED)) {
            return unchanged();
        }
        PendingPut next = withReplica(r.with(ReplicaState.STORED));
        List<PutAction> actions = new ArrayList<>(1);
        if (outcome == Outcome.PENDING && next.storedOn().size() >= required() && next.spreadMet()) {
            next = next.withOutcome(Outcome.COMMITTED);
            actions.add(new PutAction.Committed(next.storedOn()));
        } else if (outcome == Outcome.PENDING && !spread.none()) {
            // the last answer of a plan may leave the acked replicas one fault domain short
            next = next.checkReachable(actions, nowMs);
        }
        return new Transition(next, actions);
    }

    /**
     * The replica on {@code node} failed. Ignored unless it is running (or, under the patient rule, timed out).
     * Starts the next spare; fails the put when the commit level is out of reach.
     */
    public Transition failed(String node, ReplicaFailure failure, String message, long nowMs) {
        Replica r = replica(node);
        if (r != null && r.state() == ReplicaState.TIMED_OUT && patient() && outcome == Outcome.PENDING) {
            // a late refusal: already re-placed at its timeout, it is now known not to come
            List<PutAction> actions = new ArrayList<>(2);
            actions.add(new PutAction.ReplicaLost(node, failure, message));
            return new Transition(withReplica(r.with(ReplicaState.FAILED)).checkReachable(actions, nowMs), actions);
        }
        if (r == null || r.state() != ReplicaState.RUNNING) {
            return unchanged();
        }
        List<PutAction> actions = new ArrayList<>(2);
        PendingPut next = giveUp(r, failure, message, nowMs, actions);
        return new Transition(next.checkReachable(actions, nowMs), actions);
    }

    /**
     * Times out every running replica whose deadline is at or before {@code nowMs}; under the patient rule, FAILS
     * a put whose commit level is still not met at its put deadline.
     */
    public Transition deadlinePassed(long nowMs) {
        PendingPut next = this;
        List<PutAction> actions = new ArrayList<>();
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.RUNNING && r.deadlineMs() <= nowMs) {
                next = next.giveUp(next.replica(r.node()), ReplicaFailure.TIMEOUT,
                        "no answer within " + replicaTimeoutMs + " ms", nowMs, actions);
            }
        }
        if (patient() && next.outcome == Outcome.PENDING && putDeadlineMs <= nowMs) {
            String cause = next.deadlineCause();
            actions.add(new PutAction.Failed(next.failureReport(cause), cause));
            next = next.withOutcome(Outcome.FAILED);
        }
        if (next == this) {
            return unchanged();
        }
        return new Transition(next.checkReachable(actions, nowMs), actions);
    }

    private PendingPut giveUp(Replica r, ReplicaFailure failure, String message, long nowMs, List<PutAction> actions) {
        ReplicaState to = failure == ReplicaFailure.TIMEOUT ? ReplicaState.TIMED_OUT : ReplicaState.FAILED;
        actions.add(new PutAction.ReplicaLost(r.node(), failure, message));
        List<Replica> nextReplicas = replace(replicas, r.with(to));
        List<String> nextSpares = spares;
        PendingPut next = new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                nextReplicas, spares, outcome, putTimeoutMs, putDeadlineMs, spread, domains);
        if (outcome != Outcome.FAILED && !spares.isEmpty()) {
            // get it done: the next untried spare takes the failed replica's place, one in a missing fault domain first
            int i = next.spareInMissingDomain();
            return next.startSpare(i < 0 ? 0 : i, r.node(), nowMs, actions);
        }
        return next;
    }

    /** Starts spare number {@code index} as a replica, re-placing {@code replaces} (null: an extra replica). */
    private PendingPut startSpare(int index, String replaces, long nowMs, List<PutAction> actions) {
        String spare = spares.get(index);
        int attempt = maxAttempt() + 1;
        List<Replica> nextReplicas = new ArrayList<>(replicas);
        nextReplicas.add(new Replica(spare, ReplicaState.RUNNING, deadline(nowMs, replicaTimeoutMs), attempt));
        List<String> nextSpares = new ArrayList<>(spares);
        nextSpares.remove(index);
        actions.add(new PutAction.StartReplica(spare, attempt, replaces));
        return new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                nextReplicas, nextSpares, outcome, putTimeoutMs, putDeadlineMs, spread, domains);
    }

    /** Replicas that may still store the event: stored, running, and under the patient rule timed out. */
    private List<String> mayHold() {
        List<String> nodes = new ArrayList<>(replicas.size());
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.STORED || r.state() == ReplicaState.RUNNING
                    || patient() && r.state() == ReplicaState.TIMED_OUT) {
                nodes.add(r.node());
            }
        }
        return nodes;
    }

    /**
     * True when a spare could take {@code node}'s place without a fault domain the put needs going missing: a node known
     * to be down is then re-placed at once; otherwise (a patient put) its command is sent anyway and waited for.
     */
    public boolean spareCanStandIn(String node) {
        if (spares.isEmpty()) {
            return false;
        }
        if (spread.none()) {
            return true;
        }
        List<String> others = new ArrayList<>(mayHold());
        others.remove(node);
        List<FaultDomain> have = domainsOf(others);
        return !spread.adds(domainOf(node), have) || spareAdding(have) >= 0;
    }

    /** The first spare that brings a zone or region the replicas that may still hold the event lack, or -1. */
    private int spareInMissingDomain() {
        if (spread.none()) {
            return -1;
        }
        return spareAdding(domainsOf(mayHold()));
    }

    private int spareAdding(List<FaultDomain> have) {
        for (int i = 0; i < spares.size(); i++) {
            if (spread.adds(domainOf(spares.get(i)), have)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Fails the put when the replicas that may still store it can no longer reach the commit level: running ones,
     * and under the patient rule timed-out ones too (their commands wait in their nodes' command topics).
     */
    private PendingPut checkReachable(List<PutAction> actions, long nowMs) {
        int stored = storedOn().size();
        int mayStill = running() + (patient() ? nodesIn(ReplicaState.TIMED_OUT).size() : 0);
        if (outcome != Outcome.PENDING) {
            return this;
        }
        if (stored + mayStill >= required()) {
            return spreadReachable(actions, nowMs);
        }
        String cause = unreachableCause();
        actions.add(new PutAction.Failed(failureReport(cause), cause));
        return withOutcome(Outcome.FAILED);
    }

    /**
     * Keeps an explicit fault-domain requirement reachable: when the replicas that may still hold the event cannot
     * span it, a spare in a missing zone or region is started (an extra replica: spread, like count, is "get it
     * done"); with no such spare the outcome can no longer change, and the put FAILS naming what is missing.
     */
    private PendingPut spreadReachable(List<PutAction> actions, long nowMs) {
        if (spread.none() || spread.metBy(domainsOf(mayHold()))) {
            return this;
        }
        int spare = spareInMissingDomain();
        if (spare >= 0) {
            return startSpare(spare, null, nowMs, actions);
        }
        String cause = spreadCause("no replica or spare left in a missing fault domain");
        actions.add(new PutAction.Failed(failureReport(cause), cause));
        return withOutcome(Outcome.FAILED);
    }

    /**
     * Why the put's acked replicas do not span its requirement: what they span, what is missing, and {@code why}.
     */
    private String spreadCause(String why) {
        List<FaultDomain> acked = domainsOf(storedOn());
        return "replication failed for key " + key + ": fault domains not met (" + spread + "): acked replicas span zones "
                + SpreadRequirement.zoneNames(acked) + ", regions " + SpreadRequirement.regionNames(acked) + "; missing "
                + spread.shortfall(acked) + " (" + why + ")";
    }

    /** Why the level became unreachable: the replicas lost when it was decided. */
    private String unreachableCause() {
        StringBuilder lost = new StringBuilder();
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.FAILED || r.state() == ReplicaState.TIMED_OUT) {
                lost.append(lost.length() == 0 ? "" : ", ").append(r.node()).append(' ')
                        .append(r.state() == ReplicaState.TIMED_OUT ? "timed out" : "failed");
            }
        }
        return "replication failed for key " + key + ": commit level " + commitLevel + " needs " + required()
                + " stored replicas (" + lost + "; no spare peer left)";
    }

    /** Why a patient put FAILED at its deadline: who had not answered by then. */
    private String deadlineCause() {
        List<String> silent = new ArrayList<>();
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.RUNNING || r.state() == ReplicaState.TIMED_OUT) {
                silent.add(r.node());
            }
        }
        if (storedOn().size() >= required()) {
            List<String> missing = new ArrayList<>();
            for (String node : silent) {
                missing.add(node + " in " + domainOf(node).zoneName());
            }
            return spreadCause("not met within put.timeout.ms (" + putTimeoutMs + " ms); no answer from " + missing);
        }
        return "replication failed for key " + key + ": commit level " + commitLevel + " needs " + required()
                + " stored replicas within put.timeout.ms (" + putTimeoutMs + " ms); no answer from " + silent;
    }

    /**
     * A FAILED put's report: {@code cause} (why it failed, {@link PutAction.Failed#cause}) and where the event is
     * stored now. Replicas may answer between the decision and the publication of a FAILED outcome, so the sidecar
     * makes the report when it publishes: its "stored on" part then agrees with the outcome's {@code storedOn}.
     */
    public String failureReport(String cause) {
        List<String> stored = storedOn();
        return cause + "; stored on " + stored + ", " + (replicationFactor - stored.size()) + " of "
                + replicationFactor + " replicas were not created";
    }

    /** {@code nowMs + timeoutMs}, saturating: a huge timeout means "never", not a deadline in the past. */
    private static long deadline(long nowMs, long timeoutMs) {
        long d = nowMs + timeoutMs;
        return ((nowMs ^ d) & (timeoutMs ^ d)) < 0 ? Long.MAX_VALUE - 1 : d;
    }

    private int maxAttempt() {
        int max = 0;
        for (Replica r : replicas) {
            max = Math.max(max, r.attempt());
        }
        return max;
    }

    private List<String> nodesIn(ReplicaState state) {
        List<String> nodes = new ArrayList<>(replicas.size());
        for (Replica r : replicas) {
            if (r.state() == state) {
                nodes.add(r.node());
            }
        }
        return nodes;
    }

    private PendingPut withReplica(Replica changed) {
        return new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                replace(replicas, changed), spares, outcome, putTimeoutMs, putDeadlineMs, spread, domains);
    }

    private PendingPut withOutcome(Outcome to) {
        return new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                replicas, spares, outcome.moveTo(to), putTimeoutMs, putDeadlineMs, spread, domains);
    }

    private static List<Replica> replace(List<Replica> from, Replica changed) {
        List<Replica> next = new ArrayList<>(from);
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).node().equals(changed.node())) {
                next.set(i, changed);
                return next;
            }
        }
        throw new IllegalArgumentException("no replica on " + changed.node());
    }

    private Transition unchanged() {
        return new Transition(this, List.of());
    }

    // records compare arrays by identity; a put is a value, so compare the event's bytes

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingPut p
                && replicationFactor == p.replicationFactor
                && replicaTimeoutMs == p.replicaTimeoutMs
                && putTimeoutMs == p.putTimeoutMs
                && putDeadlineMs == p.putDeadlineMs
                && key.equals(p.key)
                && Arrays.equals(event, p.event)
                && commitLevel == p.commitLevel
                && replicas.equals(p.replicas)
                && spares.equals(p.spares)
                && outcome == p.outcome
                && spread.equals(p.spread)
                && domains.equals(p.domains);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(event), commitLevel, replicationFactor, replicaTimeoutMs,
                replicas, spares, outcome, putTimeoutMs, putDeadlineMs, spread, domains);
    }

    @Override
    public String toString() {
        return "PendingPut{key=" + key + ", event=" + event.length + " bytes, commitLevel=" + commitLevel
                + ", replicationFactor=" + replicationFactor + ", replicas=" + replicas + ", spares=" + spares
                + ", outcome=" + outcome + (patient() ? ", putDeadlineMs=" + putDeadlineMs : "")
                + (spread.none() ? "" : ", spread=" + spread + ", domains=" + domains) + '}';
    }
}
