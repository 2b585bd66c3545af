package alldata.dev;

import alldata.core.CommitLevel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@link Bench} run measures, as {@code alldata bench} was asked.
 *
 * @param events            events per measured phase
 * @param eventSize         bytes per event
 * @param nodes             sidecars
 * @param replicationFactor replicas per event
 * @param commitLevel       the puts' commit level
 * @param partitions        partitions of the ingest topic and of the bench's own topics
 * @param load              how every round trip offers its events (window, and rate in an open loop)
 * @param warmup            events per phase in the warm-up pass (0: none)
 * @param kafkaPort         port of the embedded broker (0: a free one)
 * @param bootstrap         an external broker to use instead of an embedded one, or {@code null}
 * @param dataDir           where broker and nodes keep data, kept after the run; {@code null}: a temp directory, deleted
 * @param settings          sidecar settings for every node, as in its config file
 * @param streamsFloor      whether to measure a do-nothing Kafka Streams hop too
 * @param traceHops         whether to split the coordinated puts' latency by hop ({@link HopTrace})
 */
public record BenchOptions(int events, int eventSize, int nodes, int replicationFactor, CommitLevel commitLevel,
                           int partitions, LoadShape load, int warmup, int kafkaPort, String bootstrap, Path dataDir,
                           Map<String, String> settings, boolean streamsFloor, boolean traceHops) {

    public BenchOptions {
        Objects.requireNonNull(commitLevel, "commitLevel");
        Objects.requireNonNull(load, "load");
        settings = Map.copyOf(settings);
    }

    /**
     * The warm-up when none is asked: a quarter of the events, at least 100 and at most 20,000 per phase. The
     * first events pay for metadata, Streams' first commits and the JIT, which in a fresh JVM compiles broker,
     * Streams and client code for tens of thousands of events (measured: C2 still took a quarter of the CPU
     * after a 2,000-event warm-up).
     */
    public static int defaultWarmup(int events) {
        return Math.max(100, Math.min(20_000, events / 4));
    }
}
