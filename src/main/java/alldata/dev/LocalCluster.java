package alldata.dev;

import alldata.core.CommitLevel;
import alldata.sidecar.Sidecar;
import alldata.sidecar.SidecarConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/** An embedded broker plus sidecars in this process; used by {@code dev}, {@code bench} and tests. */
public final class LocalCluster implements AutoCloseable {
    /** Zones of the dev nodes, in turn. */
    public static final String[] ZONES = {"a", "b", "c"};

    private final EmbeddedKafka kafka;
    private final String bootstrap;
    private final List<Sidecar> sidecars = new ArrayList<>();

    private LocalCluster(EmbeddedKafka kafka, String bootstrap) {
        this.kafka = kafka;
        this.bootstrap = bootstrap;
    }

    /**
     * Starts an embedded broker and {@code nodes} sidecars, and waits until every sidecar is healthy
     * and sees every other one live.
     */
    public static LocalCluster start(Path dataDir, int kafkaPort, int nodes, int httpPortBase, int rf,
                                     CommitLevel level, int partitions, Map<String, String> extra) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort);
        LocalCluster cluster = new LocalCluster(kafka, kafka.bootstrapServers());
        cluster.startNodes(dataDir, nodes, httpPortBase, rf, level, partitions, extra);
        return cluster;
    }

    /** Starts {@code nodes} sidecars against an existing broker (which this cluster does not stop). */
    public static LocalCluster startOn(String bootstrap, Path dataDir, int nodes, int httpPortBase, int rf,
                                       CommitLevel level, int partitions, Map<String, String> extra) throws Exception {
        LocalCluster cluster = new LocalCluster(null, bootstrap);
        cluster.startNodes(dataDir, nodes, httpPortBase, rf, level, partitions, extra);
        return cluster;
    }

    private void startNodes(Path dataDir, int nodes, int httpPortBase, int rf, CommitLevel level, int partitions,
                            Map<String, String> extra) throws Exception {
        try {
            for (int i = 1; i <= nodes; i++) {
                sidecars.add(Sidecar.start(nodeConfig(dataDir, bootstrap, i, nodes,
                        httpPortBase == 0 ? 0 : httpPortBase + i, rf, level, partitions, extra)));
            }
            awaitReady(Duration.ofSeconds(90));
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The config of dev node {@code i} of {@code nodes}: zone a, b, c in turn, region "local". */
    public static SidecarConfig nodeConfig(Path dataDir, String bootstrap, int i, int nodes, int httpPort, int rf,
                                           CommitLevel level, int partitions, Map<String, String> extra) {
        Map<String, String> v = new HashMap<>();
        v.put("node.id", "node-" + i);
        v.put("zone", ZONES[(i - 1) % ZONES.length]);
        v.put("region", "local");
        v.put("data.dir", dataDir.resolve("node-" + i).toString());
        v.put("http.port", Integer.toString(httpPort));
        v.put("commit.level", level.name());
        v.put("replication.factor", Integer.toString(rf));
        v.put("replication.other.zone.replicas", Integer.toString(Math.min(2, rf - 1)));
        v.put("topic.ingest.partitions", Integer.toString(partitions));
        v.put("kafka.bootstrap.servers", bootstrap);
        v.putAll(extra);
        return SidecarConfig.from(v, Map.of());
    }

    /** Waits until every sidecar is healthy and sees all sidecars live. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ready = sidecars.stream().allMatch(s -> s.health().healthy()
                    && s.directory().live().size() >= sidecars.size()
                    && s.coordinatorState() == KafkaStreams.State.RUNNING);
            if (ready) {
                return;
            }
            Thread.sleep(100);
        }
        StringBuilder why = new StringBuilder();
        sidecars.forEach(s -> why.append(' ').append(s.nodeId()).append(": ").append(s.health().detail()).append(';'));
        throw new IllegalStateException("local cluster not ready within " + timeout.toSeconds() + " s:" + why);
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** The embedded broker, or {@code null} when the cluster runs on an external one. */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    public List<Sidecar> sidecars() {
        return sidecars;
    }

    @Override
    public synchronized void close() {
        for (Sidecar s : sidecars) {
            try {
                s.close();
            } catch (RuntimeException e) {
                System.err.println("closing " + s.nodeId() + ": " + e);
            }
        }
        sidecars.clear();
        if (kafka != null) {
            kafka.close();
        }
    }
}
