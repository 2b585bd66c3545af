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
 *  outcome:  PENDING ──(stored count reaches required)──────────────────► COMMITTED
 *               └──────(no spare left and stored + running &lt; required)──► FAILED
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
 * @param key               the AllData key
 * @param event             the event bytes, exactly as produced
 * @param commitLevel       the commit level of this put
 * @param replicationFactor replicas wanted in all
 * @param replicaTimeoutMs  time a started replica has to answer
 * @param replicas          started replicas, in the order they were started
 * @param spares            unused peers, in the order re-placements try them
 * @param outcome           the put's outcome so far
 */
public record PendingPut(
        String key,
        byte[] event,
        CommitLevel commitLevel,
        int replicationFactor,
        long replicaTimeoutMs,
        List<Replica> replicas,
        List<String> spares,
        Outcome outcome) {

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
                TIMED_OUT, EnumSet.of(STORED)));

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
        replicas = List.copyOf(replicas);
        spares = List.copyOf(spares);
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
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(whenShort, "whenShort");
        int placed = plan.replicas().size();
        int required = commitLevel.required(replicationFactor);
        if (placed < replicationFactor && (whenShort == WhenShort.FAIL || placed < required)) {
            PendingPut failed = new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                    List.of(), List.of(), Outcome.FAILED);
            int peers = placed - 1 + plan.spares().size();
            String why = whenShort == WhenShort.FAIL
                    ? "replication factor " + replicationFactor + " needs " + (replicationFactor - 1)
                            + " peers besides the local node, " + peers + " known"
                    : "commit level " + commitLevel + " needs " + required + " replicas and only " + placed
                            + " nodes are live (" + peers + " peers besides the local node)";
            return new Transition(failed, List.of(new PutAction.Failed(
                    "not enough live peers for key " + key + ": " + why + "; nothing was written")));
        }
        List<Replica> started = new ArrayList<>(plan.replicas().size());
        List<PutAction> actions = new ArrayList<>(plan.replicas().size());
        for (String node : plan.replicas()) {
            started.add(new Replica(node, ReplicaState.RUNNING, deadline(nowMs, replicaTimeoutMs), 1));
            actions.add(new PutAction.StartReplica(node, 1, null));
        }
        PendingPut put = new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                started, plan.spares(), Outcome.PENDING);
        return new Transition(put, actions);
    }

    /** Stored replicas needed for the commit level. */
    public int required() {
        return commitLevel.required(replicationFactor);
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
     * {@code nowMs}, the new owner's clock, not the old owner's.
     */
    public Transition resume(long nowMs) {
        List<Replica> next = new ArrayList<>(replicas.size());
        List<PutAction> actions = new ArrayList<>();
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.RUNNING) {
                next.add(new Replica(r.node(), ReplicaState.RUNNING, deadline(nowMs, replicaTimeoutMs), r.attempt()));
                actions.add(new PutAction.ResendReplica(r.node(), r.attempt()));
            } else {
                next.add(r);
            }
        }
        return new Transition(new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs, next,
                spares, outcome), actions);
    }

    /** True once the outcome is known and no replica is running: the put can be forgotten. */
    public boolean isDone() {
        return outcome != Outcome.PENDING && running() == 0;
    }

    /** The earliest deadline of a running replica, or {@link Long#MAX_VALUE} when none runs. */
    public long nextDeadlineMs() {
        long next = Long.MAX_VALUE;
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
        if (outcome == Outcome.PENDING && next.storedOn().size() >= required()) {
            next = next.withOutcome(Outcome.COMMITTED);
            actions.add(new PutAction.Committed(next.storedOn()));
        }
        return new Transition(next, actions);
    }

    /**
     * The replica on {@code node} failed. Ignored unless it is running. Starts the next spare; fails the
     * put when the commit level is out of reach.
     */
    public Transition failed(String node, ReplicaFailure failure, String message, long nowMs) {
        Replica r = replica(node);
        if (r == null || r.state() != ReplicaState.RUNNING) {
            return unchanged();
        }
        List<PutAction> actions = new ArrayList<>(2);
        PendingPut next = giveUp(r, failure, message, nowMs, actions);
        return new Transition(next.checkReachable(actions), actions);
    }

    /** Times out every running replica whose deadline is at or before {@code nowMs}. */
    public Transition deadlinePassed(long nowMs) {
        PendingPut next = this;
        List<PutAction> actions = new ArrayList<>();
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.RUNNING && r.deadlineMs() <= nowMs) {
                next = next.giveUp(next.replica(r.node()), ReplicaFailure.TIMEOUT,
                        "no answer within " + replicaTimeoutMs + " ms", nowMs, actions);
            }
        }
        if (next == this) {
            return unchanged();
        }
        return new Transition(next.checkReachable(actions), actions);
    }

    private PendingPut giveUp(Replica r, ReplicaFailure failure, String message, long nowMs, List<PutAction> actions) {
        ReplicaState to = failure == ReplicaFailure.TIMEOUT ? ReplicaState.TIMED_OUT : ReplicaState.FAILED;
        actions.add(new PutAction.ReplicaLost(r.node(), failure, message));
        List<Replica> nextReplicas = replace(replicas, r.with(to));
        List<String> nextSpares = spares;
        if (outcome != Outcome.FAILED && !spares.isEmpty()) {
            // get it done: the next untried spare takes the failed replica's place
            String spare = spares.get(0);
            int attempt = maxAttempt() + 1;
            nextReplicas = new ArrayList<>(nextReplicas);
            nextReplicas.add(new Replica(spare, ReplicaState.RUNNING, deadline(nowMs, replicaTimeoutMs), attempt));
            nextSpares = spares.subList(1, spares.size());
            actions.add(new PutAction.StartReplica(spare, attempt, r.node()));
        }
        return new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                nextReplicas, nextSpares, outcome);
    }

    /** Fails the put when stored plus running replicas can no longer reach the commit level. */
    private PendingPut checkReachable(List<PutAction> actions) {
        int stored = storedOn().size();
        if (outcome != Outcome.PENDING || stored + running() >= required()) {
            return this;
        }
        actions.add(new PutAction.Failed(failureReason(stored)));
        return withOutcome(Outcome.FAILED);
    }

    private String failureReason(int stored) {
        StringBuilder lost = new StringBuilder();
        for (Replica r : replicas) {
            if (r.state() == ReplicaState.FAILED || r.state() == ReplicaState.TIMED_OUT) {
                lost.append(lost.length() == 0 ? "" : ", ").append(r.node()).append(' ')
                        .append(r.state() == ReplicaState.TIMED_OUT ? "timed out" : "failed");
            }
        }
        return "replication failed for key " + key + ": " + (replicationFactor - stored) + " of "
                + replicationFactor + " replicas were not created (" + lost + "; no spare peer left); "
                + "commit level " + commitLevel + " needs " + required() + ", stored on " + storedOn();
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
                replace(replicas, changed), spares, outcome);
    }

    private PendingPut withOutcome(Outcome to) {
        return new PendingPut(key, event, commitLevel, replicationFactor, replicaTimeoutMs,
                replicas, spares, outcome.moveTo(to));
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
                && key.equals(p.key)
                && Arrays.equals(event, p.event)
                && commitLevel == p.commitLevel
                && replicas.equals(p.replicas)
                && spares.equals(p.spares)
                && outcome == p.outcome;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(event), commitLevel, replicationFactor, replicaTimeoutMs,
                replicas, spares, outcome);
    }

    @Override
    public String toString() {
        return "PendingPut{key=" + key + ", event=" + event.length + " bytes, commitLevel=" + commitLevel
                + ", replicationFactor=" + replicationFactor + ", replicas=" + replicas + ", spares=" + spares
                + ", outcome=" + outcome + '}';
    }
}
