package alldata.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code _put} command a coordinator publishes to a replica's command topic: store {@code event}
 * under {@code key}, then ack to partition {@code ackPartition} of the ack topic.
 *
 * @param key          the AllData key
 * @param event        the event bytes, exactly as produced (carried raw in the JSON)
 * @param coordinator  the coordinating node's id
 * @param attempt      1 for planned replicas, then one more per re-placement
 * @param ackPartition the ack-topic partition the coordinator's task reads
 * @param replicas     the node ids of the whole plan
 */
public record PutCommand(String key, byte[] event, String coordinator, int attempt, int ackPartition,
                         List<String> replicas) {
    public PutCommand {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(coordinator, "coordinator");
        replicas = List.copyOf(replicas);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PutCommand c && key.equals(c.key) && Arrays.equals(event, c.event)
                && coordinator.equals(c.coordinator) && attempt == c.attempt && ackPartition == c.ackPartition
                && replicas.equals(c.replicas);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(event), coordinator, attempt, ackPartition, replicas);
    }

    @Override
    public String toString() {
        return "PutCommand{key=" + key + ", event=" + event.length + " bytes, coordinator=" + coordinator
                + ", attempt=" + attempt + ", ackPartition=" + ackPartition + ", replicas=" + replicas + '}';
    }
}
