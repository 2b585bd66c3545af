package alldata.core;

/**
 * What repair makes of a node, from its membership record and the clock. Only {@link #LOST} nodes are
 * assumed not to hold their replicas; a node that is merely down is presumed to hold them until it has been
 * down longer than the repair delay (BookKeeper's {@code lostBookieRecoveryDelay}): a restart or a short
 * outage must not set off a wave of copies.
 */
public enum NodeStatus {
    /** Heartbeating UP: holds its replicas, answers, takes new ones. */
    UP,
    /** Being decommissioned: answers and still holds its replicas, takes no new ones, will leave. */
    DRAINING,
    /** Heartbeating LEAVING (shutting down, or its store or writer is failing): holds and answers, takes none. */
    LEAVING,
    /** No heartbeat within the session timeout, but for less than the repair delay: presumed to hold. */
    DOWN,
    /** Tombstoned (dropped or decommissioned), unknown, or down for longer than the repair delay. */
    LOST;

    /** Whether the node heartbeats, so that it can be asked what it holds. */
    public boolean askable() {
        return this == UP || this == DRAINING || this == LEAVING;
    }

    /** Whether repair may place a replica on the node. */
    public boolean takesReplicas() {
        return this == UP;
    }

    /** Whether a replica on the node counts towards the replication factor (a draining node's will leave with it). */
    public boolean keepsReplicas() {
        return this == UP || this == LEAVING || this == DOWN;
    }
}
