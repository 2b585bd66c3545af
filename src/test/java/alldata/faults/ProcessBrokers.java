package alldata.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of separate broker processes ({@code alldata broker --node-id i --voters ...}), each a combined
 * broker and controller with a static quorum, so that a test can SIGKILL one and start it again on its data.
 */
final class ProcessBrokers implements AutoCloseable {
    private final Path dir;
    private final int nodes;
    private final int[] clientPorts;
    private final String voters;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Process[] processes;
    /** Starts of each broker so far: its log then says "up" as many times once the last one is up. */
    private final int[] starts;

    ProcessBrokers(Path dir, int nodes) throws IOException {
        this.dir = dir;
        this.nodes = nodes;
        this.clientPorts = new int[nodes + 1];
        this.processes = new Process[nodes + 1];
        this.starts = new int[nodes + 1];
        List<ServerSocket> held = new ArrayList<>();
        List<String> quorum = new ArrayList<>();
        try {
            // every port held open until all are picked, so that they are distinct
            for (int i = 1; i <= nodes; i++) {
                clientPorts[i] = hold(held);
                quorum.add(i + "@localhost:" + hold(held));
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        this.voters = String.join(",", quorum);
    }

    private static int hold(List<ServerSocket> held) throws IOException {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        return s.getLocalPort();
    }

    /** Every broker's {@code localhost:port}. */
    String bootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            servers.add("localhost:" + clientPorts[i]);
        }
        return String.join(",", servers);
    }

    /** Starts every broker (they wait for each other's quorum) and waits until each answers. */
    ProcessBrokers startAll() throws IOException {
        for (int i = 1; i <= nodes; i++) {
            start(i);
        }
        for (int i = 1; i <= nodes; i++) {
            awaitUp(i);
        }
        return this;
    }

    /** Starts broker {@code i} (again) on its data directory and ports. */
    void start(int i) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-Dalldata.log=INFO",
                "-cp", System.getProperty("java.class.path"),
                "alldata.cli.AllDataCli", "broker", "--node-id", Integer.toString(i), "--port", Integer.toString(clientPorts[i]),
                "--voters", voters, "--cluster-id", clusterId, "--data-dir", dir.resolve("kafka").toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()));
        processes[i] = pb.start();
        starts[i]++;
    }

    /** SIGKILL: no controlled shutdown, leadership and the coordinators move when the cluster notices. */
    void kill(int i) throws InterruptedException {
        processes[i].destroyForcibly();
        processes[i].waitFor(30, TimeUnit.SECONDS);
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    private Path log(int i) {
        return dir.resolve("broker-" + i + ".log");
    }

    /**
     * Waits until the last start of broker {@code i} printed that it is up: registered and unfenced, taking clients
     * and replicating. Not describeCluster: a killed broker stays registered until its session expires (9 s), so
     * it would answer for the dead process.
     */
    void awaitUp(int i) {
        await("broker " + i + " up").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!processes[i].isAlive()) {
                throw new IllegalStateException("broker " + i + " exited with " + processes[i].exitValue() + ": see " + log(i));
            }
            try (var lines = Files.lines(log(i), StandardCharsets.UTF_8)) {
                return lines.filter(l -> l.startsWith("Kafka broker node " + i + " of ")).count() >= starts[i];
            }
        });
    }

    /**
     * Waits until broker {@code i} is back in the in-sync replicas of every partition it holds, internal topics
     * included: only then may another broker go without a partition falling below {@code min.insync.replicas}.
     *
     * @return how long it took
     */
    Duration awaitInSync(int i) {
        long t0 = System.nanoTime();
        try (Admin admin = admin()) {
            await("broker " + i + " in sync").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> outOfSync(admin, i).isEmpty());
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Partitions that have broker {@code i} as a replica but not in sync. */
    private static Set<String> outOfSync(Admin admin, int i) throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(10, TimeUnit.SECONDS);
        Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        return d.values().stream().flatMap(t -> t.partitions().stream()
                        .filter(p -> holds(p, i) && p.isr().stream().noneMatch(n -> n.id() == i))
                        .map(p -> t.name() + "-" + p.partition()))
                .collect(Collectors.toSet());
    }

    private static boolean holds(TopicPartitionInfo p, int i) {
        return p.replicas().stream().anyMatch(n -> n.id() == i);
    }

    /** SIGTERM to every broker at once, then waits for each. */
    @Override
    public void close() throws InterruptedException {
        for (int i = 1; i <= nodes; i++) {
            if (processes[i] != null && processes[i].isAlive()) {
                processes[i].destroy();
            }
        }
        for (int i = 1; i <= nodes; i++) {
            if (processes[i] != null && !processes[i].waitFor(60, TimeUnit.SECONDS)) {
                processes[i].destroyForcibly();
            }
        }
    }
}
