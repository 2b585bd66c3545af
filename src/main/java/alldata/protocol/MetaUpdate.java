package alldata.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A new replica plan for one event, sent by the node that repaired it to every node holding it: a holder
 * that stores the event and has a plan of a smaller epoch takes this one; anything else is ignored.
 *
 * @param key               the AllData key
 * @param replicas          the nodes that hold the event after the repair
 * @param replicationFactor replicas the event should have in all
 * @param epoch             larger than the epoch of the plan it replaces (at least 1)
 */
public record MetaUpdate(String key, List<String> replicas, int replicationFactor, long epoch) {
    /**
     * The epoch of the plan a coordinator sends the holders of a put some of whose replicas failed
     * ({@link #afterPut}). A put writes epoch 0 and a repair max(old epoch + 1, its clock in ms), which is never
     * below 2 once it replaces this plan and in practice is far larger: so 1 replaces exactly the put's own plan,
     * and loses to any repair's plan, whether the repair came before this update arrived or after.
     */
    public static final long AFTER_PUT_EPOCH = 1;

    /**
     * The true plan of a finished put whose started replicas did not all store the event: the nodes known to hold it.
     * It names fewer nodes than a plan listing every started replica, so that repair sees the missing replicas.
     */
    public static MetaUpdate afterPut(String key, List<String> storedOn, int replicationFactor) {
        return new MetaUpdate(key, storedOn, replicationFactor, AFTER_PUT_EPOCH);
    }

    public MetaUpdate {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        replicas = List.copyOf(replicas);
        if (replicas.size() > 0xff) {
            throw new IllegalArgumentException("at most 255 replicas, got " + replicas.size());
        }
        if (replicationFactor < 1 || replicationFactor > 0xff) {
            throw new IllegalArgumentException("replicationFactor must be within 1..255, got " + replicationFactor);
        }
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch of a plan update must be at least 1, got " + epoch);
        }
    }
}
