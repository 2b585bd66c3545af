package alldata.store;

import java.nio.file.Path;
import java.util.Optional;

/** The node's own small records kept in its store (identity, repair progress, a decommission under way). */
public interface NodeState {
    /** The node's own record {@code name}, if written. */
    Optional<byte[]> state(String name);

    /** Writes the node's own record {@code name} (synced). */
    void putState(String name, byte[] value);

    /** The directory the store lives in (what an operator moves away to start a node afresh). */
    Path directory();
}
