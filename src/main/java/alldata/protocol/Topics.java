package alldata.protocol;

import java.util.Objects;

/**
 * AllData's topic names and consumer group ids, all derived from one configurable prefix (default
 * {@code alldata.}): the one place that names them.
 *
 * @param prefix the prefix, e.g. {@code alldata.}
 */
public record Topics(String prefix) {
    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "alldata.";

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String ingest() {
        return prefix + "ingest";
    }

    public String acks() {
        return prefix + "acks";
    }

    public String results() {
        return prefix + "results";
    }

    public String membership() {
        return prefix + "membership";
    }

    public String deadLetter() {
        return prefix + "dead-letter";
    }

    /** The command topic of node {@code nodeId}. */
    public String commands(String nodeId) {
        return prefix + "node." + nodeId + ".commands";
    }

    /**
     * The Kafka Streams application id every coordinator shares ({@code alldata-coordinator} with the
     * default prefix); also the coordinators' consumer group.
     */
    public String coordinatorApplicationId() {
        return groupPrefix() + "coordinator";
    }

    /** The consumer group of node {@code nodeId}'s replica writer ({@code alldata-replica-<id>}). */
    public String replicaGroup(String nodeId) {
        return groupPrefix() + "replica-" + nodeId;
    }

    private String groupPrefix() {
        return prefix.replace('.', '-');
    }
}
