package alldata.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates the replication of puts over known peers: the seed's {@code AllDataCoordinator} in Java.
 *
 * <p>A put writes the local replica, starts a {@code _put} on each planned peer through the
 * {@link PeerTransport}, and completes its future once the commit level is met. A replica that fails or
 * does not answer within the replica timeout is re-placed on an unused peer ("get it done"). The future
 * completes exceptionally with a {@link ReplicationException} when the level cannot be met.
 *
 * <p>Thread-safe: peers may be added and dropped while puts run; the store and the transport may
 * complete their futures on any thread. {@link #close()} stops the timer thread of a coordinator made
 * without a {@link TimeSource}.
 */
public final class Coordinator implements AutoCloseable {
    /** How the local replica is named in {@link PutResult#acknowledgedBy()}; not usable as a peer id. */
    public static final String LOCAL = "local";

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    private final ReplicaStore localStorage;
    private final CoordinatorOptions options;
    private final PeerTransport transport;
    private final TimeSource time;
    private final AutoCloseable ownedTime;
    private final ConcurrentHashMap<String, KnownPeer> peers = new ConcurrentHashMap<>();

    private record KnownPeer(Peer peer, PeerLocation location) {
    }

    /** A coordinator on wall-clock time (with its own daemon timer thread). */
    public Coordinator(ReplicaStore localStorage, CoordinatorOptions options, PeerTransport transport) {
        this(localStorage, options, transport, new TimeSource.System("alldata-coordinator-timer"), true);
    }

    /** A coordinator on the given time source (tests use a manual one). */
    public Coordinator(ReplicaStore localStorage, CoordinatorOptions options, PeerTransport transport,
                       TimeSource time) {
        this(localStorage, options, transport, time, false);
    }

    private Coordinator(ReplicaStore localStorage, CoordinatorOptions options, PeerTransport transport,
                        TimeSource time, boolean ownsTime) {
        this.localStorage = Objects.requireNonNull(localStorage, "localStorage");
        this.options = Objects.requireNonNull(options, "options");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.time = Objects.requireNonNull(time, "time");
        this.ownedTime = ownsTime ? (AutoCloseable) time : null;
    }

    /** The options this coordinator was made with. */
    public CoordinatorOptions options() {
        return options;
    }

    /** Adds a peer in the coordinator's own zone. */
    public void addPeer(Peer peer) {
        addPeer(peer, PeerLocation.sameZone());
    }

    /** Adds a peer at {@code location}; adding a known id again changes nothing. */
    public void addPeer(Peer peer, PeerLocation location) {
        Objects.requireNonNull(peer, "peer");
        if (location == null) {
            throw new IllegalArgumentException("peer location must be given: sameZone(), zone(name) or region(name)");
        }
        if (LOCAL.equals(peer.id())) {
            throw new IllegalArgumentException("peer id '" + LOCAL + "' is reserved for the local replica");
        }
        peers.putIfAbsent(peer.id(), new KnownPeer(peer, location));
    }

    /** Drops a peer; running puts give up replicas on it that have not started. False if unknown. */
    public boolean dropPeer(String peerId) {
        Objects.requireNonNull(peerId, "peerId");
        return peers.remove(peerId) != null;
    }

    /** Number of known peers (the local node not counted). */
    public int peerCount() {
        return peers.size();
    }

    /** Puts at the default commit level. */
    public CompletableFuture<PutResult> put(String key, byte[] event) {
        return put(key, event, options.commitLevel());
    }

    /**
     * Stores {@code event} under {@code key} on {@code replicationFactor} nodes; the future completes once
     * {@code level} is met, or exceptionally with {@link ReplicationException} when it cannot be.
     *
     * @throws NullPointerException     for a null key, event or level
     * @throws IllegalArgumentException for a blank key
     */
    public CompletableFuture<PutResult> put(String key, byte[] event, CommitLevel level) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(level, "level");
        if (key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank");
        }
        List<Placement.Candidate> live = new ArrayList<>(peers.size());
        peers.forEach((id, p) -> live.add(new Placement.Candidate(id, p.location())));
        SpreadRequirement spread = options.spread();
        Placement plan = Placement.Planner.of(LOCAL, live).plan(key, options.strategy(), spread);
        Map<String, FaultDomain> domains = new HashMap<>();
        domains.put(LOCAL, LOCAL_DOMAIN);
        peers.forEach((id, p) -> domains.put(id, domainOf(p.location())));
        InFlight put = new InFlight(key, level);
        put.advance(ignored -> PendingPut.start(key, event.clone(), plan, level, options.replicationFactor(),
                options.replicaTimeout().toMillis(), time.nowMs(), WhenShort.FAIL, 0, spread, domains));
        return put.result;
    }

    /** The local node's zone, as the library names it: peers are located relative to it. */
    private static final FaultDomain LOCAL_DOMAIN = new FaultDomain("local", "local");

    /** A peer's fault domain from its relative location; all peers of another region count as one zone of it. */
    private static FaultDomain domainOf(PeerLocation location) {
        if (location instanceof PeerLocation.OtherZone z) {
            return new FaultDomain(LOCAL_DOMAIN.region(), "zone " + z.zone());
        }
        if (location instanceof PeerLocation.OtherRegion r) {
            return new FaultDomain("region " + r.region(), "any");
        }
        return LOCAL_DOMAIN;
    }

    @Override
    public void close() throws Exception {
        if (ownedTime != null) {
            ownedTime.close();
        }
    }

    /** One put on its way: the state machine, its deadline timer and the caller's future. */
    private final class InFlight {
        private final String key;
        private final CommitLevel level;
        private final CompletableFuture<PutResult> result = new CompletableFuture<>();
        private PendingPut state;
        private TimeSource.Cancellable timer;
        private long timerAtMs = Long.MAX_VALUE;

        InFlight(String key, CommitLevel level) {
            this.key = key;
            this.level = level;
        }

        /**
         * Applies one input under the lock, then acts outside it. A store or transport that completes
         * synchronously re-enters here from an action; the state is already updated by then.
         */
        void advance(Function<PendingPut, PendingPut.Transition> input) {
            PendingPut.Transition t;
            synchronized (this) {
                t = input.apply(state);
                state = t.put();
                rescheduleDeadline();
            }
            for (PutAction action : t.actions()) {
                act(action);
            }
        }

        private void rescheduleDeadline() {
            long next = state.isDone() ? Long.MAX_VALUE : state.nextDeadlineMs();
            if (next == timerAtMs) {
                return;
            }
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
            timerAtMs = next;
            if (next != Long.MAX_VALUE) {
                timer = time.schedule(next - time.nowMs(), () -> advance(p -> {
                    synchronized (this) {
                        timerAtMs = Long.MAX_VALUE; // fired: the next deadline needs a new timer
                        timer = null;
                    }
                    return p.deadlinePassed(time.nowMs());
                }));
            }
        }

        private void act(PutAction action) {
            action.applyTo(actions);
        }

        /** The library's way of carrying out each action. */
        private final PutAction.Handler actions = new PutAction.Handler() {
            @Override
            public void startReplica(PutAction.StartReplica action) {
                InFlight.this.startReplica(action.node());
            }

            @Override
            public void resendReplica(PutAction.ResendReplica action) {
                InFlight.this.startReplica(action.node());
            }

            @Override
            public void replicaLost(PutAction.ReplicaLost l) {
                if (l.failure() == ReplicaFailure.CONFLICT) {
                    log.error("CONFLICT: {} holds a different event under key {}; it was not overwritten ({})",
                            l.node(), key, l.message());
                } else {
                    log.warn("replica of key {} on {} lost ({}: {}); re-placing it if a spare peer is left",
                            key, l.node(), l.failure(), l.message());
                }
            }

            @Override
            public void committed(PutAction.Committed c) {
                result.complete(new PutResult(key, level, c.acknowledgedBy()));
            }

            @Override
            public void failed(PutAction.Failed f) {
                result.completeExceptionally(new ReplicationException(f.reason()));
            }
        };

        private void startReplica(String node) {
            CompletableFuture<Void> stored;
            try {
                if (LOCAL.equals(node)) {
                    stored = localStorage.put(key, state.event());
                } else {
                    KnownPeer peer = peers.get(node);
                    stored = peer == null
                            ? CompletableFuture.failedFuture(new IllegalStateException("peer " + node + " is no longer known"))
                            : transport.put(peer.peer(), key, state.event());
                }
                if (stored == null) {
                    stored = CompletableFuture.failedFuture(new IllegalStateException("returned no future"));
                }
            } catch (RuntimeException e) {
                stored = CompletableFuture.failedFuture(e);
            }
            stored.whenComplete((ok, error) -> {
                if (error == null) {
                    advance(p -> p.stored(node, time.nowMs()));
                } else {
                    Throwable cause = unwrap(error);
                    ReplicaFailure kind = cause instanceof ConflictException ? ReplicaFailure.CONFLICT : ReplicaFailure.ERROR;
                    advance(p -> p.failed(node, kind, String.valueOf(cause.getMessage()), time.nowMs()));
                }
            });
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
