package alldata.cli;

import alldata.client.AllDataClient;
import alldata.client.Plural;
import alldata.core.CommitLevel;
import alldata.dev.DataDirLock;
import alldata.dev.LocalCluster;
import alldata.dev.LoadResult;
import alldata.dev.LocalPorts;
import alldata.dev.WindowedPuts;
import alldata.protocol.Topics;
import alldata.sidecar.Sidecar;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alldata dev}: an embedded single-broker KRaft Kafka plus a local cluster of sidecars in one
 * process, with an optional demo load.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Run a local cluster in this process: an embedded Kafka broker and sidecars.",
                "The N sidecars are in zones a, b, c of region 'local'.",
                "With --demo N it produces N sample events, shows progress and a summary.",
                "Serves until Ctrl-C, or stops after the demo with --exit-after-demo",
                "(exit code 0 when every demo event COMMITTED)."})
public final class DevCommand implements Callable<Integer> {
    /** How long a clean stop waits for the puts in flight to get their outcomes before it closes the nodes. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /** Demo puts in flight at once: the latency it reports is under this much concurrent load. */
    private static final int DEMO_WINDOW = 2_000;

    @Option(names = "--nodes", defaultValue = "3", description = "Sidecars to run (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the broker (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = "./data", description = "Broker and node data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--http-port-base", defaultValue = "8080",
            description = {"Node i serves HTTP on this + i", "(default ${DEFAULT-VALUE}: node-1 on 8081)."})
    int httpPortBase;

    @Option(names = "--replication-factor",
            description = {"Replicas per event, at most --nodes", "(default 3, or --nodes if fewer)."})
    Integer replicationFactor;

    @Option(names = "--commit-level", defaultValue = "QUORUM", description = "Default commit level (default ${DEFAULT-VALUE}).")
    CommitLevel commitLevel;

    @Option(names = "--partitions", defaultValue = "6", description = "Ingest and ack partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--demo", defaultValue = "0", description = "Produce this many sample events once ready.")
    int demo;

    @Option(names = "--exit-after-demo", description = "Stop after the demo instead of serving.")
    boolean exitAfterDemo;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The demo load while it sends (a clean stop stops its intake first), else null. */
    private volatile WindowedPuts demoLoad;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int rf = validate();
        // the directory first: a second dev on it would fail inside Kafka's log-directory lock, with a stack trace
        DataDirLock lock = DataDirLock.acquire(dataDir, "alldata dev", "--data-dir");
        try {
            return run(out, rf);
        } finally {
            lock.close();
        }
    }

    private int run(PrintWriter out, int rf) throws Exception {
        LocalPorts.requireFree(kafkaPort, "the Kafka broker", "--kafka-port");
        if (httpPortBase != 0) {
            for (int i = 1; i <= nodes; i++) {
                LocalPorts.requireFree(httpPortBase + i, "HTTP of node-" + i, "--http-port-base (node i uses it + i)");
            }
        }
        LocalCluster cluster = LocalCluster.start(dataDir, kafkaPort, nodes, httpPortBase, rf, commitLevel, partitions, Map.of());
        Thread hook = new Thread(() -> stopCleanly(out, cluster), "alldata-dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.printf("Kafka: %s%n", cluster.bootstrapServers());
            for (Sidecar s : cluster.sidecars()) {
                out.printf("  %-8s zone %s  http://%s  (try: curl http://%s/health/ready)%n", s.nodeId(), s.config().zone(),
                        s.httpAddress(), s.httpAddress());
            }
            out.println(readThrough(cluster.sidecars().get(0).httpAddress()));
            out.printf("replication factor %d, %d other-zone replicas, commit level %s%n", rf,
                    Math.min(2, rf - 1), commitLevel);
            out.flush();
            int failed = 0;
            if (demo > 0) {
                failed = runDemo(out, cluster);
            }
            if (exitAfterDemo) {
                return failed == 0 ? 0 : 1;
            }
            out.println("serving; produce to " + new Topics(Topics.DEFAULT_PREFIX).ingest() + " at " + cluster.bootstrapServers()
                    + "; Ctrl-C stops");
            out.flush();
            new CountDownLatch(1).await();
            return 0;
        } finally {
            if (exitAfterDemo) {
                Runtime.getRuntime().removeShutdownHook(hook);
                stopCleanly(out, cluster);
            }
        }
    }

    /**
     * Ctrl-C, SIGTERM or the end of {@code --exit-after-demo} ({@link LocalCluster#stopCleanly}): intake first (the
     * demo stops sending), then the puts
     * in flight get their outcomes (bounded by {@link #DRAIN_TIMEOUT}), then every node stops at once, then the
     * broker. Stopping the nodes one by one instead left the last one alone with the others' partitions, failing
     * their in-flight puts for want of live replicas.
     */
    private void stopCleanly(PrintWriter out, LocalCluster cluster) {
        Consumer<String> say = line -> {
            out.println("stop: " + line);
            out.flush();
        };
        try {
            WindowedPuts load = demoLoad;
            cluster.stopCleanly(load == null ? List.of() : List.of(load), DRAIN_TIMEOUT, say);
            say.accept("done");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cluster.close();
        }
    }

    /**
     * The line that says how the tools reach these nodes: {@code get}, {@code scan} and {@code export} ask
     * {@code localhost:8080} (a sidecar's default port) unless given {@code --http}, and the dev nodes are elsewhere.
     */
    static String readThrough(String nodeAddress) {
        return "read through any node: --http " + nodeAddress + " (e.g. ./alldata scan --http " + nodeAddress
                + "; without --http, get, scan and export ask " + HttpReadOptions.DEFAULT_ADDRESS + ")";
    }

    /** Refuses settings that could only fail later; returns the replication factor to use. */
    private int validate() {
        if (nodes < 1) {
            throw new IllegalArgumentException("--nodes must be at least 1, got " + nodes);
        }
        int rf = replicationFactor != null ? replicationFactor : Math.min(3, nodes);
        if (rf < 1 || rf > nodes) {
            throw new IllegalArgumentException("--replication-factor " + rf + " needs " + rf + " nodes to place its replicas"
                    + " but --nodes is " + nodes + ": every put would fail; use --replication-factor 1.." + nodes
                    + " or more --nodes");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        if (demo < 0) {
            throw new IllegalArgumentException("--demo must not be negative, got " + demo);
        }
        for (int port : new int[] {kafkaPort, httpPortBase, httpPortBase == 0 ? 0 : httpPortBase + nodes}) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("ports must be within 0..65535: check --kafka-port and --http-port-base");
            }
        }
        return rf;
    }

    private int runDemo(PrintWriter out, LocalCluster cluster) throws Exception {
        Map<String, String> zoneOf = new HashMap<>();
        for (Sidecar s : cluster.sidecars()) {
            zoneOf.put(s.nodeId(), s.config().zone());
        }
        AckedPerZone perZone = new AckedPerZone(zoneOf);
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        LoadResult result;
        try (AllDataClient client = new AllDataClient(Map.of("bootstrap.servers", cluster.bootstrapServers()),
                Topics.defaults(), Duration.ofSeconds(60))) {
            WindowedPuts puts = new WindowedPuts(client, DEMO_WINDOW);
            demoLoad = puts;
            Thread progress = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    double secs = (System.nanoTime() - start) / 1e9;
                    long done = puts.committed() + puts.failed();
                    out.printf("demo: %d/%d done, %d committed, %d failed, %.0f events/s%n", done, demo,
                            puts.committed(), puts.failed(), done / secs);
                    out.flush();
                }
            }, "alldata-demo-progress");
            progress.setDaemon(true);
            progress.start();
            try {
                result = puts.run(demo, DevCommand::demoEvent, (o, e) -> {
                    if (e == null && o.committed()) {
                        perZone.add(o.acked());
                    } else if (firstErrors.size() < 5) {
                        firstErrors.add(e != null ? e.getMessage() : o.error());
                    }
                }, Duration.ofMinutes(10));
            } finally {
                demoLoad = null; // before the client closes: a stop then has no intake of ours to stop
                progress.interrupt();
            }
        }
        Histogram all = result.latency();
        out.println();
        out.println("== demo summary ==");
        out.printf("events:      %d%s%n", result.events(), result.events() < demo ? " (stopped early)" : "");
        out.printf("committed:   %d%n", result.succeeded());
        out.printf("failed:      %d%n", result.failed());
        out.printf("throughput:  %.0f events/s (%.1f s)%n", result.eventsPerS(), result.seconds());
        out.printf("commit latency (client, produce -> outcome, up to %s in flight at once): p50 %.1f ms, p99 %.1f ms%n",
                Plural.count(Math.min(DEMO_WINDOW, demo), "put"), all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(99) / 1000.0);
        out.println("acked replicas per zone (stored when the commit level was met):" + perZone);
        firstErrors.forEach(e -> out.println("  error: " + e));
        out.println(COLD_START_NOTE);
        out.flush();
        return (int) result.failed();
    }

    /**
     * What the demo's numbers are: a first run pays for JIT compilation, topic and group creation and a broker,
     * three sidecars and the load sharing one machine; a user comparing them with docs/performance.md should know.
     */
    static final String COLD_START_NOTE = "note: a cold start of a broker and every node in one JVM on this machine"
            + " (JIT warm-up, topic and group creation included), with a burst of puts at once: not a measure of speed;"
            + " 'alldata bench' warms up first and compares with a bare Kafka Streams hop (docs/performance.md)";

    /**
     * Replicas per zone over committed puts, counted from each outcome's acked list: the replicas known
     * stored when the commit level was met (not the planned ones; later acks are not in the outcome).
     */
    static final class AckedPerZone {
        private final Map<String, String> zoneOf;
        private final Map<String, AtomicLong> counts = new TreeMap<>();

        AckedPerZone(Map<String, String> zoneOf) {
            this.zoneOf = Map.copyOf(zoneOf);
            zoneOf.values().forEach(z -> counts.put(z, new AtomicLong()));
        }

        /** Counts one committed put's acked replicas ({@code PutOutcome.acked()}). */
        synchronized void add(List<String> acked) {
            for (String node : acked) {
                counts.computeIfAbsent(zoneOf.getOrDefault(node, "?"), z -> new AtomicLong()).incrementAndGet();
            }
        }

        /** " a=1000 b=998 c=667", zones in order. */
        @Override
        public synchronized String toString() {
            StringBuilder sb = new StringBuilder();
            counts.forEach((z, n) -> sb.append(' ').append(z).append('=').append(n.get()));
            return sb.toString();
        }
    }

    private static byte[] demoEvent(int i) {
        return ("{\"demo\":" + i + ",\"sensor\":\"s-" + (i % 17) + "\",\"value\":" + (i * 7 % 1000) / 10.0
                + ",\"note\":\"hello from the AllData demo\"}").getBytes(StandardCharsets.UTF_8);
    }
}
