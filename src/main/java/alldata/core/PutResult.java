package alldata.core;

import java.util.List;
import java.util.Objects;

/**
 * A put that met its commit level.
 *
 * @param key            the key the event is stored under
 * @param commitLevel    the level that was met
 * @param acknowledgedBy the replicas stored when the level was met, the coordinator's own as {@code "local"}
 */
public record PutResult(String key, CommitLevel commitLevel, List<String> acknowledgedBy) {
    public PutResult {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(commitLevel, "commitLevel");
        acknowledgedBy = List.copyOf(acknowledgedBy);
    }
}
