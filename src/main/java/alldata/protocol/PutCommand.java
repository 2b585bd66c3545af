package alldata.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One {@code _put} inside a {@link PutBatch}: store {@code event} under {@code key} (write-once).
 *
 * @param key               the AllData key
 * @param event             the event bytes, exactly as produced (carried as bytes, never as text)
 * @param attempt           1 for planned replicas, then one more per re-placement
 * @param replicationFactor replicas the event should have in all
 * @param replicas          the node ids of the whole plan (the receiver records them beside the replica)
 */
public record PutCommand(String key, byte[] event, int attempt, int replicationFactor, List<String> replicas) {
    public PutCommand {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (attempt < 1 || attempt > 0xffff) {
            throw new IllegalArgumentException("attempt must be within 1..65535, got " + attempt);
        }
        if (replicationFactor < 1 || replicationFactor > 0xff) {
            throw new IllegalArgumentException("replicationFactor must be within 1..255, got " + replicationFactor);
        }
        replicas = List.copyOf(replicas);
        if (replicas.size() > 0xff) {
            throw new IllegalArgumentException("at most 255 replicas, got " + replicas.size());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PutCommand c && key.equals(c.key) && Arrays.equals(event, c.event)
                && attempt == c.attempt && replicationFactor == c.replicationFactor && replicas.equals(c.replicas);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(event), attempt, replicationFactor, replicas);
    }

    @Override
    public String toString() {
        return "PutCommand{key=" + key + ", event=" + event.length + " bytes, attempt=" + attempt + ", rf="
                + replicationFactor + ", replicas=" + replicas + '}';
    }
}
