package alldata.protocol;

import java.util.Objects;

/**
 * AllData's topic names, all under one configurable prefix (default {@code alldata.}).
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
}
