package alldata.store;

import alldata.protocol.ReplicaMeta;

import java.util.Arrays;
import java.util.Objects;

/**
 * One replica to store: the key, the event bytes exactly as produced, and optional metadata.
 *
 * @param key   the AllData key
 * @param event the event bytes
 * @param meta  the replica's metadata, or {@code null} when the writer has none (library use)
 */
public record ReplicaWrite(String key, byte[] event, ReplicaMeta meta) {
    public ReplicaWrite {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplicaWrite w && key.equals(w.key) && Arrays.equals(event, w.event)
                && Objects.equals(meta, w.meta);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(event), meta);
    }

    @Override
    public String toString() {
        return "ReplicaWrite{key=" + key + ", event=" + event.length + " bytes, meta=" + meta + '}';
    }
}
