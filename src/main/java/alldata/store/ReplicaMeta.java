package alldata.store;

import java.util.List;
import java.util.Objects;

/**
 * What a node records beside each replica it stores.
 *
 * @param replicas    the whole replica plan of the put (node ids)
 * @param coordinator the node that coordinated the put
 * @param storedAtMs  when this node stored the replica (epoch ms)
 */
public record ReplicaMeta(List<String> replicas, String coordinator, long storedAtMs) {
    public ReplicaMeta {
        replicas = List.copyOf(replicas);
        Objects.requireNonNull(coordinator, "coordinator");
    }
}
