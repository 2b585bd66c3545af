package alldata.sidecar.repair;

import alldata.protocol.MalformedRecordException;
import alldata.protocol.Wire;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.UUID;

/**
 * Whose data a replica store holds, written into the store itself ({@code state/identity}) at a node's first
 * start on it, so that a data directory cannot silently become another node's, and an empty or replaced disk
 * cannot pretend to hold what the node held before.
 *
 * @param node               the node id the store belongs to
 * @param incarnation        a random id, new each time the node starts on an empty store
 * @param createdAtMs        when this identity was written
 * @param startedEmptyAtMs   when the store started empty: replicas stored elsewhere before this time are not in
 *                           it (0 for a store that holds everything it was sent, e.g. one that predates identities)
 * @param decommissionedAtMs when the node was decommissioned (0: it was not); such a store is never started again
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeIdentity(String node, String incarnation, long createdAtMs, long startedEmptyAtMs,
                           long decommissionedAtMs) {
    /** The name of the record in the store. */
    static final String STATE = "identity";

    public NodeIdentity {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(incarnation, "incarnation");
    }

    /** A new incarnation of {@code node} whose store starts (or is taken to start) empty at {@code startedEmptyAtMs}. */
    static NodeIdentity fresh(String node, long nowMs, long startedEmptyAtMs) {
        return new NodeIdentity(node, UUID.randomUUID().toString(), nowMs, startedEmptyAtMs, 0);
    }

    boolean decommissioned() {
        return decommissionedAtMs > 0;
    }

    NodeIdentity decommissionedAt(long atMs) {
        return new NodeIdentity(node, incarnation, createdAtMs, startedEmptyAtMs, atMs);
    }

    byte[] encode() {
        return Wire.encode(this);
    }

    /** @throws MalformedRecordException when the bytes are not an identity */
    static NodeIdentity decode(byte[] bytes) {
        return Wire.decode(bytes, NodeIdentity.class);
    }
}
