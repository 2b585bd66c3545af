package alldata.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stored event as reads return it.
 *
 * @param key   the AllData key
 * @param event the exact bytes stored
 */
public record StoredEvent(String key, byte[] event) {
    public StoredEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredEvent s && key.equals(s.key) && Arrays.equals(event, s.event);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(event);
    }

    @Override
    public String toString() {
        return "StoredEvent{key=" + key + ", event=" + event.length + " bytes}";
    }
}
