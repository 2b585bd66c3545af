package alldata.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The puts of {@code keys} FAILED: a command-topic record from their coordinator to every node it started a replica
 * on. A node that holds such an event, or stores it later, keeps it as a FAILED copy: never read as data and never
 * repaired (no answer is sent; a node that does not hold the event records the marker all the same, since the put
 * command may still be on its way).
 *
 * <p>With {@code failed} false it takes such markers back: the puts COMMITTED after all. Only a put resumed by a new
 * owner can need it: its previous owner's FAILED outcome was in a transaction that aborted, but its markers, sent
 * outside the transaction and read uncommitted, had landed.
 *
 * @param origin the coordinator that published the outcomes
 * @param keys   the AllData keys, each not empty
 * @param failed true: the puts FAILED; false: they COMMITTED, and an earlier FAILED marker no longer holds
 */
public record FailedCopies(String origin, List<String> keys, boolean failed) implements CommandRecord {
    /** FAILED markers. */
    public FailedCopies(String origin, List<String> keys) {
        this(origin, keys, true);
    }

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
