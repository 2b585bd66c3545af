package alldata.sidecar.repair;

import alldata.core.Clock;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MemberRecord;
import alldata.sidecar.kafka.KafkaClients;
import alldata.sidecar.membership.MembershipSnapshot;
import alldata.store.NodeState;
import alldata.store.ReplicaReads;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Establishes a starting sidecar's {@link NodeIdentity} ({@link IdentityCheck}), waiting or refusing as it says. */
public final class StartupIdentity {
    private static final Logger log = LoggerFactory.getLogger(StartupIdentity.class);
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(30);

    /** How the check waits (tests do not). */
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private StartupIdentity() {
    }

    /**
     * The identity this sidecar runs as, written to its store when new.
     *
     * @param kafka            the node and where to read the membership topic
     * @param sessionTimeoutMs {@code membership.session.timeout.ms}: how long another live process's heartbeat counts
     *
     * @throws IllegalStateException saying why this sidecar must not start (another node's store, a decommissioned
     *                               node, or another live process with this node id)
     */
    public static <S extends NodeState & ReplicaReads> NodeIdentity establish(KafkaClients kafka,
            long sessionTimeoutMs, S store) throws InterruptedException {
        return establish(kafka.nodeId(), store, sessionTimeoutMs,
                timeout -> MembershipSnapshot.read(kafka, timeout).members(), Clock.SYSTEM, Thread::sleep);
    }

    static <S extends NodeState & ReplicaReads> NodeIdentity establish(String nodeId, S store, long sessionTimeoutMs,
                                  Function<Duration, Map<String, MemberRecord>> membership, Clock clock,
                                  Sleeper sleeper) throws InterruptedException {
        Optional<NodeIdentity> stored;
        try {
            stored = store.state(NodeIdentity.STATE).map(NodeIdentity::decode);
        } catch (MalformedRecordException e) {
            throw new IllegalStateException("the identity record in " + store.directory() + " is unreadable ("
                    + e.getMessage() + "): this data directory cannot be trusted; move it away to start empty", e);
        }
        boolean empty = store.isEmpty();
        Optional<MemberRecord> waitedOn = Optional.empty();
        while (true) {
            Optional<MemberRecord> last = Optional.ofNullable(membership.apply(SNAPSHOT_TIMEOUT).get(nodeId));
            IdentityCheck.Verdict v = IdentityCheck.decide(nodeId, store.directory(), stored, empty, last, waitedOn,
                    clock.nowMs(), sessionTimeoutMs);
            if (v instanceof IdentityCheck.Refuse r) {
                throw new IllegalStateException(r.reason());
            }
            if (v instanceof IdentityCheck.Wait w) {
                long pause = Math.max(0, w.untilMs() - clock.nowMs()) + 100;
                log.warn("{} heartbeated as incarnation {} (HTTP {}) {} ms ago, and this store is {}: waiting {} ms to see"
                                + " whether that process still runs (a crashed one stops heartbeating)", nodeId,
                        w.other().incarnation(), w.other().http(), clock.nowMs() - w.other().heartbeatMs(),
                        stored.map(s -> "incarnation " + s.incarnation()).orElse("new"), pause);
                sleeper.sleep(pause);
                waitedOn = Optional.of(w.other());
                continue;
            }
            IdentityCheck.Start s = (IdentityCheck.Start) v;
            if (s.write()) {
                store.putState(NodeIdentity.STATE, s.identity().encode());
            }
            s.warning().ifPresent(w -> log.warn("NEW INCARNATION: {}", w));
            if (!s.info().isEmpty()) {
                log.info(s.info());
            }
            return s.identity();
        }
    }

    /** Records in the store that its node was decommissioned, so that the store is never started again. */
    static void markDecommissioned(NodeState store, NodeIdentity identity, long atMs) {
        store.putState(NodeIdentity.STATE, identity.decommissionedAt(atMs).encode());
    }
}
