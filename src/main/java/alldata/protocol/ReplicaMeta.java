package alldata.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What a node records beside each replica it stores: enough to find the other copies and to know how
 * many there should be (repair reads it).
 *
 * @param replicas          the whole replica plan of the put (node ids)
 * @param coordinator       the node that coordinated the put (or repaired the replica)
 * @param replicationFactor replicas the event should have in all
 * @param storedAtMs        when this node stored the replica (epoch ms)
 */
public record ReplicaMeta(List<String> replicas, String coordinator, int replicationFactor, long storedAtMs) {
    public ReplicaMeta {
        replicas = List.copyOf(replicas);
        Objects.requireNonNull(coordinator, "coordinator");
        if (replicationFactor < 1 || replicationFactor > 0xff) {
            throw new IllegalArgumentException("replicationFactor must be within 1..255, got " + replicationFactor);
        }
    }

    /** The same plan, stored at {@code atMs}. */
    public ReplicaMeta storedAt(long atMs) {
        return new ReplicaMeta(replicas, coordinator, replicationFactor, atMs);
    }
}
