package alldata.dev;

import alldata.core.CommitLevel;
import alldata.sidecar.Sidecar;
import alldata.sidecar.config.SidecarConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;

/** An embedded broker plus sidecars in this process; used by {@code dev}, {@code bench} and tests. */
public final class LocalCluster implements AutoCloseable {
    /** Zones of the dev nodes, in turn. */
    public static final String[] ZONES = {"a", "b", "c"};

    /** How often a clean stop counts the puts in flight. */
    private static final long DRAIN_POLL_MS = 200;
    /** How long a clean stop waits for a load to stop sending. */
    private static final Duration STOP_INTAKE_TIMEOUT = Duration.ofSeconds(5);

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

    /** A producer to the ingest topic that a clean stop stops first (the demo load of {@code dev}). */
    public interface Intake {
        /**
         * Stops producing; returns once nothing more is produced and what was produced is in Kafka.
         *
         * @return false when it did not stop within {@code timeout}
         */
        boolean stopSending(Duration timeout) throws InterruptedException;
    }

    /**
     * A clean stop of the whole cluster (Ctrl-C of {@code dev}): first the intake stops, then the stop waits until
     * every ingest record has its outcome ({@link InFlightPuts}: nothing left unread by the coordinators, no put in
     * flight), at most {@code drainTimeout}, then closes every sidecar at once and the broker. Closing the nodes one
     * after the other would leave the last ones to take over the partitions of those gone, with in-flight puts whose
     * replicas can no longer answer. Producers outside this process must be stopped before.
     *
     * @param intakes the producers of this process to stop first
     * @param say     hears what the stop is doing (one line at a time)
     * @return the puts still in flight when the nodes were closed (0 after a complete drain; -1 when Kafka could not
     *         be asked)
     */
    public synchronized long stopCleanly(List<? extends Intake> intakes, Duration drainTimeout, Consumer<String> say)
            throws InterruptedException {
        for (Intake intake : intakes) {
            say.accept("the load stops sending");
            if (!intake.stopSending(STOP_INTAKE_TIMEOUT)) {
                say.accept("the load did not stop sending within " + STOP_INTAKE_TIMEOUT.toSeconds() + " s");
            }
        }
        long left = sidecars.isEmpty() ? 0 : drain(drainTimeout, say);
        say.accept("stopping " + sidecars.size() + " node" + (sidecars.size() == 1 ? "" : "s"));
        close();
        return left;
    }

    private long drain(Duration timeout, Consumer<String> say) throws InterruptedException {
        SidecarConfig any = sidecars.get(0).config();
        long deadline = System.nanoTime() + timeout.toNanos();
        InFlightPuts.Count last = null;
        long lastSaidNanos = 0;
        try (InFlightPuts inFlight = new InFlightPuts(any.kafkaClientConfig(), any.topics(),
                () -> sidecars.stream().mapToLong(s -> s.metrics().pendingPuts()).sum())) {
            while (true) {
                InFlightPuts.Count now = inFlight.count();
                if (now.total() == 0) {
                    say.accept(last == null ? "no puts in flight" : "every put has its outcome");
                    return 0;
                }
                if (System.nanoTime() >= deadline) {
                    say.accept("still " + now + " after " + timeout.toSeconds() + " s; stopping anyway (they resume"
                            + " when the cluster starts again)");
                    return now.total();
                }
                if (last == null || System.nanoTime() - lastSaidNanos >= TimeUnit.SECONDS.toNanos(1)) {
                    say.accept("waiting for " + now + "...");
                    lastSaidNanos = System.nanoTime();
                }
                last = now;
                Thread.sleep(DRAIN_POLL_MS);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            say.accept("could not count the puts in flight (" + e + "); stopping now");
            return -1;
        }
    }

    /** Closes every sidecar at once (none is left alone to take over the others' partitions), then the broker. */
    @Override
    public synchronized void close() {
        List<Thread> closing = new ArrayList<>();
        for (Sidecar s : sidecars) {
            Thread t = new Thread(() -> {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    System.err.println("closing " + s.nodeId() + ": " + e);
                }
            }, "alldata-close-" + s.nodeId());
            t.start();
            closing.add(t);
        }
        boolean interrupted = false;
        for (Thread t : closing) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the nodes close whatever happens: the broker must not go first
                }
            }
        }
        sidecars.clear();
        if (kafka != null) {
            kafka.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
