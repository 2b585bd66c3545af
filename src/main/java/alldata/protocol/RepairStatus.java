package alldata.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * What one node's repair is doing ({@code GET /repair/status}, JSON; {@code alldata repair status} shows it).
 *
 * @param node             the node
 * @param state            STARTING, IDLE, REPAIRING, DRAINING, DRAIN_BLOCKED or DECOMMISSIONED
 * @param reason           why the current (or last) pass runs: a lost node, a new incarnation, a decommission, the
 *                         periodic pass
 * @param detail           one line for an operator (e.g. why a decommission is blocked), or null
 * @param interval         the hour interval being repaired ({@code yyyyMMdd'T'HH}), or null
 * @param intervalsLeft    intervals of the pass still to do
 * @param toRepair         events this node holds that the pass looks at (counted at its start)
 * @param done             of those, the ones looked at so far
 * @param copies           replicas this pass wrote to other nodes
 * @param replanned        events whose plan the pass rewrote on their holders
 * @param underReplicated  events below their replication factor that this node repairs and has not yet (an estimate
 *                         for the part of the pass still to do, or what the last pass left unresolved, plus the events
 *                         owed since); the {@code alldata_under_replicated_events} gauge
 * @param shortOfNodes     events that cannot reach their replication factor with the nodes there are
 * @param conflicts        copies refused because the target holds different bytes under the key
 * @param failed           copies not confirmed (error or time-out): retried by a later pass
 * @param ratePerSecond    events looked at per second, lately
 * @param etaSeconds       estimated seconds to the end of the pass (-1: unknown)
 * @param passStartedMs    when the pass started (0: none ran yet)
 * @param lastPassEndedMs  when the last pass ended (0: none ended yet)
 * @param lastPass         a one-line summary of the last pass, or null
 * @param placementShort   events this node holds whose holders span fewer zones or regions than the replication
 *                         strategy asks for while a node in a missing one takes replicas, not yet spread (counted by the
 *                         running or last pass); the {@code alldata_placement_short_events} gauge
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepairStatus(String node, String state, String reason, String detail, String interval, int intervalsLeft,
                           long toRepair, long done, long copies, long replanned, long underReplicated,
                           long shortOfNodes, long conflicts, long failed, double ratePerSecond, long etaSeconds,
                           long passStartedMs, long lastPassEndedMs, String lastPass, long placementShort) {
    /** A status without placement-short events (and as nodes of earlier versions report it). */
    public RepairStatus(String node, String state, String reason, String detail, String interval, int intervalsLeft,
                        long toRepair, long done, long copies, long replanned, long underReplicated, long shortOfNodes,
                        long conflicts, long failed, double ratePerSecond, long etaSeconds, long passStartedMs,
                        long lastPassEndedMs, String lastPass) {
        this(node, state, reason, detail, interval, intervalsLeft, toRepair, done, copies, replanned, underReplicated,
                shortOfNodes, conflicts, failed, ratePerSecond, etaSeconds, passStartedMs, lastPassEndedMs, lastPass, 0);
    }

    public RepairStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
    }

    /** Whether the node's decommission is complete (its tombstone is written). */
    public boolean decommissioned() {
        return "DECOMMISSIONED".equals(state);
    }
}
