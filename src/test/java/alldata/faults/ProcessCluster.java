package alldata.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sidecars as separate JVM processes ({@code alldata sidecar --config F}) against a broker, so that a
 * test can SIGKILL one and start it again on the same data directory and ports.
 */
final class ProcessCluster implements AutoCloseable {
    static final String[] ZONES = {"a", "b", "c", "d"};

    private final String bootstrap;
    private final Path dir;
    private final int nodes;
    private final String[] zones;
    private final Map<String, String> extra;
    private final int[] httpPorts;
    private final Process[] processes;
    /** One client for every health, metrics and read poll (each client owns a selector thread). */
    private final HttpClient httpClient = HttpClient.newHttpClient();

    ProcessCluster(String bootstrap, Path dir, int nodes, Map<String, String> extra) throws IOException {
        this(bootstrap, dir, nodes, extra, ZONES);
    }

    /** @param zones the zone of node {@code i} is {@code zones[(i - 1) % zones.length]} */
    ProcessCluster(String bootstrap, Path dir, int nodes, Map<String, String> extra, String[] zones) throws IOException {
        this.bootstrap = bootstrap;
        this.dir = dir;
        this.nodes = nodes;
        this.zones = zones.clone();
        this.extra = Map.copyOf(extra);
        this.httpPorts = new int[nodes + 1];
        this.processes = new Process[nodes + 1];
        for (int i = 1; i <= nodes; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                httpPorts[i] = s.getLocalPort();
            }
        }
    }

    /** Number of nodes, {@code node-1} to {@code node-<size>}. */
    int size() {
        return nodes;
    }

    static String id(int i) {
        return "node-" + i;
    }

    String http(int i) {
        return "127.0.0.1:" + httpPorts[i];
    }

    /** Starts every node and waits until all are healthy. */
    ProcessCluster startAll() throws IOException {
        for (int i = 1; i <= nodes; i++) {
            start(i);
        }
        for (int i = 1; i <= nodes; i++) {
            awaitHealthy(i);
        }
        return this;
    }

    /** Starts node {@code i} (again) on its data directory and ports. */
    void start(int i) throws IOException {
        Map<String, String> c = new HashMap<>();
        c.put("node.id", id(i));
        c.put("zone", zones[(i - 1) % zones.length]);
        c.put("region", "local");
        c.put("data.dir", dir.resolve(id(i)).toString());
        c.put("http.port", Integer.toString(httpPorts[i]));
        c.put("kafka.bootstrap.servers", bootstrap);
        c.putAll(extra);
        StringBuilder props = new StringBuilder();
        c.forEach((k, v) -> props.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path config = Files.writeString(dir.resolve(id(i) + ".properties"), props, StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only: four short-lived JVMs sharing two cores with the broker spent much of each scenario in C2
        // compiles (fault classes 11.5 -> 7.8 min); what the scenarios check does not depend on peak speed
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dalldata.log=INFO",
                "-cp", System.getProperty("java.class.path"),
                "alldata.cli.AllDataCli", "sidecar", "--config", config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id(i) + ".log").toFile()));
        processes[i] = pb.start();
    }

    /** GET of {@code path} on node {@code i}'s HTTP API. */
    HttpResponse<String> get(int i, String path) throws IOException, InterruptedException {
        return httpClient.send(HttpRequest.newBuilder(URI.create("http://" + http(i) + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What {@code /health/ready} of node {@code i} says, with its status code. */
    String healthDetail(int i) throws IOException, InterruptedException {
        HttpResponse<String> r = get(i, "/health/ready");
        return r.statusCode() + " " + r.body();
    }

    /** Node {@code i}'s Prometheus metrics. */
    String metrics(int i) throws IOException, InterruptedException {
        return get(i, "/metrics").body();
    }

    boolean healthy(int i) {
        try {
            return get(i, "/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void awaitHealthy(int i) {
        await("health of " + id(i)).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!processes[i].isAlive()) {
                throw new IllegalStateException(id(i) + " exited with " + processes[i].exitValue() + ": see " + dir.resolve(id(i) + ".log"));
            }
            return healthy(i);
        });
    }

    /**
     * Every event node {@code i} stores: over HTTP while it runs, straight from its RocksDB directory
     * when it is down (a killed node's replicas are still on its disk).
     */
    Map<String, byte[]> storedEvents(int i) throws Exception {
        if (alive(i)) {
            return alldata.cli.VerifyAccess.readAll(http(i));
        }
        Map<String, byte[]> out = new HashMap<>();
        try (alldata.store.RocksReplicaStore store = alldata.store.RocksReplicaStore.open(dir.resolve(id(i)).resolve("replicas"))) {
            for (alldata.store.StoredEvent e : store.scan(null, null, Integer.MAX_VALUE)) {
                out.put(e.key(), e.event());
            }
        }
        return out;
    }

    Map<String, Map<String, byte[]>> allStoredEvents() throws Exception {
        Map<String, Map<String, byte[]>> all = new LinkedHashMap<>();
        for (int i = 1; i <= nodes; i++) {
            all.put(id(i), storedEvents(i));
        }
        return all;
    }

    /** Node {@code i}'s data directory (its replica store and Streams state). */
    Path dataDir(int i) {
        return dir.resolve(id(i));
    }

    /** Deletes node {@code i}'s data directory (the node must not run): a replaced disk. */
    void wipe(int i) throws IOException {
        if (alive(i)) {
            throw new IllegalStateException(id(i) + " still runs");
        }
        if (Files.exists(dataDir(i))) {
            try (var paths = Files.walk(dataDir(i))) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** SIGKILL: no shutdown hook, no LEAVING, nothing flushed. */
    void kill(int i) throws InterruptedException {
        processes[i].destroyForcibly();
        processes[i].waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the sidecar's shutdown hook closes it cleanly. */
    void stop(int i) throws InterruptedException {
        processes[i].destroy();
        if (!processes[i].waitFor(60, TimeUnit.SECONDS)) {
            processes[i].destroyForcibly();
        }
    }

    /** SIGSTOP: the process freezes with its sockets open, as in a long GC pause or a stalled VM. */
    void pause(int i) throws IOException, InterruptedException {
        signal(i, "STOP");
    }

    /** SIGCONT: a paused node wakes up and carries on where it stopped (a zombie, until it learns what changed). */
    void resume(int i) throws IOException, InterruptedException {
        signal(i, "CONT");
    }

    private void signal(int i, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes[i].pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + id(i) + " exited with " + kill.exitValue());
        }
    }

    boolean alive(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** SIGTERM to every node at once, then waits for each: clean shutdowns overlap instead of adding up. */
    @Override
    public void close() throws InterruptedException {
        for (int i = 1; i <= nodes; i++) {
            if (alive(i)) {
                try {
                    resume(i); // a paused node would not run its shutdown hook
                } catch (IOException | RuntimeException e) {
                    // best effort: destroyForcibly below ends it anyway
                }
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
