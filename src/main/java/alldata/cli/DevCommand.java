package alldata.cli;

import alldata.client.AllDataClient;
import alldata.core.CommitLevel;
import alldata.dev.LocalCluster;
import alldata.dev.LoadResult;
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
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alldata dev}: an embedded single-broker KRaft Kafka plus a local cluster of sidecars in one
 * process, with an optional demo load.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Run a local cluster: an embedded Kafka broker and N sidecars (zones a, b, c of region 'local').",
                "With --demo N it produces N sample events, shows progress and a summary.",
                "Keeps serving until Ctrl-C unless --exit-after-demo (exit code 0 when every demo event COMMITTED)."})
public final class DevCommand implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "3", description = "Sidecars to run (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the embedded broker (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = "./data", description = "Where the broker and the nodes keep data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--http-port-base", defaultValue = "8080",
            description = "Node i serves HTTP on this + i (default ${DEFAULT-VALUE}, so node-1 is 8081).")
    int httpPortBase;

    @Option(names = "--replication-factor", description = "Replicas per event (default: 3, or the node count if smaller).")
    Integer replicationFactor;

    @Option(names = "--commit-level", defaultValue = "QUORUM", description = "Default commit level (default ${DEFAULT-VALUE}).")
    CommitLevel commitLevel;

    @Option(names = "--partitions", defaultValue = "6", description = "Ingest and ack partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--demo", defaultValue = "0", description = "Produce this many sample events once the cluster is ready.")
    int demo;

    @Option(names = "--exit-after-demo", description = "Stop after the demo instead of serving until Ctrl-C.")
    boolean exitAfterDemo;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (nodes < 1) {
            throw new IllegalArgumentException("--nodes must be at least 1");
        }
        int rf = replicationFactor != null ? replicationFactor : Math.min(3, nodes);
        LocalCluster cluster = LocalCluster.start(dataDir, kafkaPort, nodes, httpPortBase, rf, commitLevel, partitions, Map.of());
        Thread hook = new Thread(cluster::close, "alldata-dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.printf("Kafka: %s%n", cluster.bootstrapServers());
            for (Sidecar s : cluster.sidecars()) {
                out.printf("  %-8s zone %s  http://%s  (try: curl http://%s/health)%n", s.nodeId(), s.config().zone(),
                        s.httpAddress(), s.httpAddress());
            }
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
                cluster.close();
            }
        }
    }

    private int runDemo(PrintWriter out, LocalCluster cluster) throws Exception {
        Map<String, String> zoneOf = new HashMap<>();
        for (Sidecar s : cluster.sidecars()) {
            zoneOf.put(s.nodeId(), s.config().zone());
        }
        Map<String, AtomicLong> perZone = new TreeMap<>();
        for (String z : LocalCluster.ZONES) {
            perZone.put(z, new AtomicLong());
        }
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        LoadResult result;
        try (AllDataClient client = new AllDataClient(Map.of("bootstrap.servers", cluster.bootstrapServers()),
                Topics.defaults(), Duration.ofSeconds(60))) {
            WindowedPuts puts = new WindowedPuts(client, 2_000);
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
            result = puts.run(demo, DevCommand::demoEvent, (o, e) -> {
                if (e == null && o.committed()) {
                    for (String node : o.replicas()) {
                        perZone.computeIfAbsent(zoneOf.getOrDefault(node, "?"), z -> new AtomicLong()).incrementAndGet();
                    }
                } else if (firstErrors.size() < 5) {
                    firstErrors.add(e != null ? e.getMessage() : o.error());
                }
            }, Duration.ofMinutes(10));
            progress.interrupt();
        }
        Histogram all = result.latency();
        out.println();
        out.println("== demo summary ==");
        out.printf("events:      %d%n", demo);
        out.printf("committed:   %d%n", result.succeeded());
        out.printf("failed:      %d%n", result.failed());
        out.printf("throughput:  %.0f events/s (%.1f s)%n", result.eventsPerS(), result.seconds());
        out.printf("commit latency (client, produce -> outcome): p50 %.1f ms, p99 %.1f ms%n",
                all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(99) / 1000.0);
        out.print("replicas per zone:");
        perZone.forEach((z, n) -> out.printf(" %s=%d", z, n.get()));
        out.println();
        firstErrors.forEach(e -> out.println("  error: " + e));
        out.flush();
        return (int) result.failed();
    }

    private static byte[] demoEvent(int i) {
        return ("{\"demo\":" + i + ",\"sensor\":\"s-" + (i % 17) + "\",\"value\":" + (i * 7 % 1000) / 10.0
                + ",\"note\":\"hello from the AllData demo\"}").getBytes(StandardCharsets.UTF_8);
    }
}
