package alldata.sidecar.repair;

import alldata.core.NodeStatus;
import alldata.core.RepairView;
import alldata.protocol.MemberRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns membership records into repair's {@link RepairView}, and compares two views for what should start a
 * pass at once.
 *
 * <p>A record's status: no heartbeat for {@code repair.delay.ms} → LOST; for the session timeout → DOWN; else
 * its announced state (UP, DRAINING, LEAVING). A node without a record (tombstoned, or never seen) is LOST. This
 * node is always in its own view, UP or DRAINING.
 *
 * <p>A node only declares another lost by silence after it has itself watched the membership for
 * {@code repair.delay.ms}: after a whole cluster was down for an hour, the first node back must not take the
 * others (whose last heartbeats are an hour old) for lost and start copying everything while they are starting
 * too. Tombstones count at once.
 */
final class ClusterView {
    /** This node as it sees itself. */
    record Self(String node, String zone, String region, long incarnationStartMs, boolean draining) {
    }

    private ClusterView() {
    }

    /**
     * @param watchingSinceMs when this node began to watch the membership (silence before it does not count
     *                        towards the repair delay)
     */
    static RepairView of(Self self, Collection<MemberRecord> records, long nowMs, long sessionTimeoutMs,
                         long repairDelayMs, long watchingSinceMs) {
        Map<String, RepairView.Member> members = new TreeMap<>();
        for (MemberRecord r : records) {
            if (!r.node().equals(self.node())) {
                members.put(r.node(), new RepairView.Member(r.node(),
                        status(r, nowMs, sessionTimeoutMs, repairDelayMs, watchingSinceMs), r.zone(), r.region(),
                        r.incarnationStartMs()));
            }
        }
        members.put(self.node(), new RepairView.Member(self.node(), self.draining() ? NodeStatus.DRAINING : NodeStatus.UP,
                self.zone(), self.region(), self.incarnationStartMs()));
        return new RepairView(self.node(), members.values());
    }

    static NodeStatus status(MemberRecord r, long nowMs, long sessionTimeoutMs, long repairDelayMs,
                             long watchingSinceMs) {
        boolean heard = r.heardWithin(sessionTimeoutMs, nowMs);
        long silenceSeen = nowMs - Math.max(r.heartbeatMs(), watchingSinceMs);
        if (!heard && silenceSeen >= repairDelayMs) {
            return NodeStatus.LOST;
        }
        if (!heard) {
            return NodeStatus.DOWN;
        }
        return switch (r.state()) {
            case UP -> NodeStatus.UP;
            case DRAINING -> NodeStatus.DRAINING;
            case LEAVING -> NodeStatus.LEAVING;
        };
    }

    /**
     * Why a pass should start at once, going from {@code before} to {@code after}: a node lost (tombstoned, or
     * down past the repair delay), a node back with an empty store (a new incarnation), this node draining.
     * Nodes that only went down or came back need nothing.
     */
    static List<String> triggers(RepairView before, RepairView after) {
        List<String> reasons = new ArrayList<>();
        for (RepairView.Member m : before.members()) {
            if (!m.id().equals(after.self()) && after.members().stream().noneMatch(a -> a.id().equals(m.id()))) {
                reasons.add(m.id() + " was dropped or decommissioned");
            }
        }
        for (RepairView.Member m : after.members()) {
            if (m.id().equals(after.self())) {
                continue;
            }
            boolean known = before.members().stream().anyMatch(b -> b.id().equals(m.id()));
            if (m.status() == NodeStatus.LOST && known && before.status(m.id()) != NodeStatus.LOST) {
                reasons.add(m.id() + " has had no heartbeat for longer than repair.delay.ms");
            }
            if (m.refillSinceMs() > 0 && m.refillSinceMs() != before.refillSinceMs(m.id()) && m.status().askable()) {
                reasons.add(m.id() + " started a new incarnation on an empty store");
            }
        }
        if (after.selfDraining() && !before.selfDraining()) {
            reasons.add("decommission of " + after.self());
        }
        return reasons;
    }
}
