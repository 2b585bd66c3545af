package alldata.store;

import alldata.protocol.ReplicaMeta;
import java.util.Objects;

/**
 * What a node knows about one event it holds, without its bytes: enough to decide on repairs and to compare
 * copies with other nodes.
 *
 * @param key         the AllData key
 * @param meta        the plan beside it ({@code null} when it was stored without one, by the library API)
 * @param contentHash the 64-bit hash of its bytes ({@link alldata.core.IntervalDigest#contentHash})
 * @param size        its size in bytes
 * @param failed      its put FAILED ({@link FailedMarks#markFailed}): a copy, not a replica
 */
public record HeldEvent(String key, ReplicaMeta meta, long contentHash, int size, boolean failed) {
    public HeldEvent {
        Objects.requireNonNull(key, "key");
    }

    /** An event whose put is not known to have FAILED. */
    public HeldEvent(String key, ReplicaMeta meta, long contentHash, int size) {
        this(key, meta, contentHash, size, false);
    }
}
