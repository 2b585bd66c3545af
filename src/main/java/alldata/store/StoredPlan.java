package alldata.store;

import alldata.protocol.ReplicaMeta;
import java.util.Objects;

/**
 * The plan a node keeps beside one event, as {@link ReplicaPlans#scanPlans} returns it.
 *
 * @param key  the AllData key
 * @param meta the plan
 */
public record StoredPlan(String key, ReplicaMeta meta) {
    public StoredPlan {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(meta, "meta");
    }
}
