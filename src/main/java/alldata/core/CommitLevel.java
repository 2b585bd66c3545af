package alldata.core;

import java.util.Locale;

/**
 * How many replicas must hold an event before a put is acknowledged.
 *
 * <p>{@code ONE} is met by the first replica stored (normally the local one), {@code QUORUM} by a
 * majority of the replication factor, {@code ALL} by every replica.
 */
public enum CommitLevel {
    ONE,
    QUORUM,
    ALL;

    /**
     * Number of stored replicas this level needs for the given replication factor.
     *
     * @throws IllegalArgumentException if {@code replicationFactor < 1}
     */
    public int required(int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, got " + replicationFactor);
        }
        return switch (this) {
            case ONE -> 1;
            case QUORUM -> replicationFactor / 2 + 1;
            case ALL -> replicationFactor;
        };
    }

    /**
     * Parses a commit level name, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the accepted values when the text is none of them
     */
    public static CommitLevel parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("commit level is empty; expected one of ONE, QUORUM, ALL");
        }
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown commit level '" + text + "'; expected one of ONE, QUORUM, ALL");
        }
    }
}
