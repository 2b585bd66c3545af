package alldata.sidecar.repair;

import alldata.protocol.MemberRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, at start, whether this sidecar may run on its store as its node id, and as which incarnation:
 * a pure function of the store's identity, whether the store is empty, and the membership topic's last
 * record of the node id.
 *
 * <ul>
 *   <li>A store that belongs to another node id, or to a decommissioned node, is refused, naming whose it is.</li>
 *   <li>A store with this node's identity continues its incarnation, unless the cluster last saw the node id
 *       with another incarnation: then the store is an old copy (a disk swapped back, a restored backup) that
 *       may lack what the node stored since, and it starts a new incarnation, refilled by repair.</li>
 *   <li>An empty store starts a new incarnation that started empty now: peers refill it with everything their
 *       plans say it should hold (announced loudly when the cluster knew the node id).</li>
 *   <li>A store with events but no identity (it predates identities) is adopted: it holds what it was sent.</li>
 *   <li>If the node id heartbeated with another incarnation within the session timeout, another process may run
 *       as this node: {@link Wait} until that heartbeat is older than the session timeout (a crashed process
 *       stops heartbeating; a quick restart on the same store has the same incarnation and is not held up), and
 *       refuse if it keeps heartbeating.</li>
 * </ul>
 */
final class IdentityCheck {
    private IdentityCheck() {
    }

    /** The verdict. */
    sealed interface Verdict permits Start, Wait, Refuse {
    }

    /**
     * Start as {@code identity}.
     *
     * @param identity the identity to run as
     * @param write    whether it must be written to the store first (new or adopted)
     * @param warning  what to tell the operator loudly, if anything
     * @param info     what to tell the operator otherwise
     */
    record Start(NodeIdentity identity, boolean write, Optional<String> warning, String info) implements Verdict {
    }

    /** Wait until {@code untilMs}, then decide again: {@code other} heartbeated as this node very recently. */
    record Wait(MemberRecord other, long untilMs) implements Verdict {
    }

    /** Do not start: {@code reason} says why and what to do. */
    record Refuse(String reason) implements Verdict {
    }

    /**
     * @param nodeId           the configured node id
     * @param dataDir          the store's directory (for messages)
     * @param stored           the identity in the store, if any
     * @param storeEmpty       whether the store holds no event
     * @param lastRecord       the membership topic's last record of {@code nodeId} (absent: unknown or tombstoned)
     * @param waitedOn         the record a previous {@link Wait} waited on, if this is the decision after it
     */
    static Verdict decide(String nodeId, Path dataDir, Optional<NodeIdentity> stored, boolean storeEmpty,
                          Optional<MemberRecord> lastRecord, Optional<MemberRecord> waitedOn, long nowMs,
                          long sessionTimeoutMs) {
        Objects.requireNonNull(nodeId, "nodeId");
        if (stored.isPresent() && !stored.get().node().equals(nodeId)) {
            NodeIdentity s = stored.get();
            return new Refuse("data directory " + dataDir + " belongs to node " + s.node() + " (incarnation "
                    + s.incarnation() + ", since " + Instant.ofEpochMilli(s.createdAtMs()) + "), but this sidecar is "
                    + nodeId + ": set data.dir to " + nodeId + "'s directory, or node.id to " + s.node());
        }
        if (stored.isPresent() && stored.get().decommissioned()) {
            return new Refuse("node " + nodeId + " was decommissioned at "
                    + Instant.ofEpochMilli(stored.get().decommissionedAtMs()) + "; its data directory " + dataDir
                    + " is not used again: delete it to start " + nodeId + " as a new, empty node");
        }
        Optional<MemberRecord> fresh = lastRecord.filter(r -> r.heardWithin(sessionTimeoutMs, nowMs));
        String ours = stored.map(NodeIdentity::incarnation).orElse(null);
        if (fresh.isPresent() && (ours == null || !ours.equals(fresh.get().incarnation()))) {
            MemberRecord other = fresh.get();
            if (waitedOn.isPresent() && other.heartbeatMs() > waitedOn.get().heartbeatMs()) {
                return new Refuse("another process runs as " + nodeId + " (HTTP " + other.http() + ", incarnation "
                        + other.incarnation() + ", state " + other.state() + ", heartbeat "
                        + Instant.ofEpochMilli(other.heartbeatMs()) + "): stop it first, or give this sidecar another"
                        + " node.id");
            }
            if (waitedOn.isEmpty()) {
                return new Wait(other, other.heartbeatMs() + sessionTimeoutMs);
            }
        }
        Optional<MemberRecord> known = lastRecord;
        if (stored.isPresent()) {
            NodeIdentity s = stored.get();
            String clusterSaw = known.map(MemberRecord::incarnation).orElse(null);
            if (clusterSaw != null && !clusterSaw.equals(s.incarnation())) {
                NodeIdentity next = NodeIdentity.fresh(nodeId, nowMs, nowMs);
                return new Start(next, true, Optional.of("the store in " + dataDir + " is from incarnation "
                        + s.incarnation() + " of " + nodeId + ", but the cluster last saw " + nodeId + " as incarnation "
                        + clusterSaw + ": it may lack what " + nodeId + " stored since; starting as incarnation "
                        + next.incarnation() + ", which peers refill by repair"), "");
            }
            return new Start(s, false, Optional.empty(), nodeId + " continues incarnation " + s.incarnation());
        }
        if (!storeEmpty) {
            NodeIdentity adopted = NodeIdentity.fresh(nodeId, nowMs, 0);
            return new Start(adopted, true, Optional.empty(), "the store in " + dataDir + " holds events but no"
                    + " identity (it predates identities): " + nodeId + " adopts it as incarnation "
                    + adopted.incarnation());
        }
        NodeIdentity created = NodeIdentity.fresh(nodeId, nowMs, nowMs);
        if (known.isPresent()) {
            MemberRecord k = known.get();
            return new Start(created, true, Optional.of(nodeId + " starts on an EMPTY store in " + dataDir
                    + ", but the cluster knows " + nodeId + " (last heartbeat " + Instant.ofEpochMilli(k.heartbeatMs())
                    + (k.incarnation() == null ? "" : ", incarnation " + k.incarnation()) + "): starting as new incarnation "
                    + created.incarnation() + "; peers copy " + nodeId + "'s replicas back to it (repair), and until"
                    + " then other nodes serve them"), "");
        }
        return new Start(created, true, Optional.empty(), nodeId + " starts with a new, empty store in " + dataDir
                + " (incarnation " + created.incarnation() + ")");
    }
}
