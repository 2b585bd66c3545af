package alldata.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The puts of {@code keys} FAILED: a command-topic record from their coordinator to every node it started a replica
 * on. A node that holds such an event, or stores it later, keeps it as a FAILED copy: never read as data and never
 * repaired (no answer is sent; a node that does not hold the event records the marker all the same, since the put
 * command may still be on its way).
 *
 * @param origin the coordinator that published the FAILED outcomes
 * @param keys   the AllData keys, each not empty
 */
public record FailedCopies(String origin, List<String> keys) implements CommandRecord {
    public FailedCopies {
        Objects.requireNonNull(origin, "origin");
        keys = List.copyOf(keys);
        for (String k : keys) {
            if (k.isEmpty()) {
                throw new IllegalArgumentException("a FAILED key must not be empty");
            }
        }
    }
}
