package alldata.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What a node records beside each replica it stores: enough to find the other copies and to know how
 * many there should be (repair reads it).
 *
 * @param replicas          the whole replica plan of the put (node ids); after a repair, the nodes that hold it
 * @param coordinator       the node that coordinated the put (or repaired the replica)
 * @param replicationFactor replicas the event should have in all
 * @param storedAtMs        when this node stored the replica (epoch ms)
 * @param epoch             0 for the plan a put wrote; a repair that writes the plan gives it a larger epoch, the
 *                          repairing node's clock in ms (at least one more than the epoch it replaces; see
 *                          {@link MetaUpdate}), and a node only ever replaces a plan by one of a larger epoch
 */
public record ReplicaMeta(List<String> replicas, String coordinator, int replicationFactor, long storedAtMs,
                          long epoch) {
    public ReplicaMeta {
        replicas = List.copyOf(replicas);
        Objects.requireNonNull(coordinator, "coordinator");
        if (replicationFactor < 1 || replicationFactor > 0xff) {
            throw new IllegalArgumentException("replicationFactor must be within 1..255, got " + replicationFactor);
        }
        if (replicas.size() > 0xff) {
            throw new IllegalArgumentException("at most 255 replicas, got " + replicas.size());
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative, got " + epoch);
        }
    }

    /** The plan a put writes (epoch 0). */
    public ReplicaMeta(List<String> replicas, String coordinator, int replicationFactor, long storedAtMs) {
        this(replicas, coordinator, replicationFactor, storedAtMs, 0);
    }

    /** Since when the plan is known to be right: when it was stored here, or written by a repair, whichever is later. */
    public long planSinceMs() {
        return Math.max(storedAtMs, epoch);
    }

    /** The same plan, stored at {@code atMs}. */
    public ReplicaMeta storedAt(long atMs) {
        return new ReplicaMeta(replicas, coordinator, replicationFactor, atMs, epoch);
    }

    /** This replica's meta with the plan of {@code update} (same stored-at time). */
    public ReplicaMeta updatedBy(MetaUpdate update, String origin) {
        return new ReplicaMeta(update.replicas(), origin, update.replicationFactor(), storedAtMs, update.epoch());
    }
}
