package alldata.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Apache Kafka cluster in KRaft mode built from Kafka's own server artifacts: the broker of
 * {@code alldata dev}, of the benchmark and of the integration tests.
 *
 * <p>Every node is a combined {@code broker,controller} {@link KafkaRaftServer} with a static controller
 * quorum; everything listens on {@code localhost} only (PLAINTEXT for clients, CONTROLLER on a port of its
 * own). The log directories are formatted once; starting again on the same data directory (in this process
 * or a later one) keeps every topic and offset, and the cluster id is kept in {@code dataDir/cluster.id}.
 *
 * <p>Layout of {@code dataDir}: a single node uses {@code logs/} and {@code metadata/} directly under it; node
 * {@code i} of a multi-node cluster uses {@code node-i/logs} and {@code node-i/metadata}.
 *
 * <p>Kafka's fatal-fault handlers halt the JVM ({@code Runtime.halt}). Tests should start with
 * {@link Builder#haltProtection(boolean) haltProtection(true)}: Kafka's exit and halt procedures then throw
 * {@link IllegalStateException} in the faulting thread instead, until the last protected instance stops (then
 * the procedures found before are put back). The procedures are JVM-global, so only tests should ask for it.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Name of the file under the data directory that keeps the cluster id. */
    public static final String CLUSTER_ID_FILE = "cluster.id";

    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final int PORT_ATTEMPTS = 3;

    private static final Object HALT_LOCK = new Object();
    private static int haltProtected;
    private static Exit.Procedure previousHalt;
    private static Exit.Procedure previousExit;

    private final Path dataDir;
    private final int nodeCount;
    private final boolean autoPorts;
    private final Map<String, String> extraConfig;
    private final boolean haltProtection;
    private final Duration startTimeout;
    private final String clusterId;

    private volatile int[] ports;
    private volatile int[] controllerPorts;
    private volatile List<KafkaRaftServer> servers = List.of();
    private boolean closed;

    private EmbeddedKafka(Builder b) throws IOException {
        this.dataDir = b.dataDir.toAbsolutePath().normalize();
        this.nodeCount = b.nodes;
        this.autoPorts = b.port == 0;
        this.extraConfig = Map.copyOf(b.extraConfig);
        this.haltProtection = b.haltProtection;
        this.startTimeout = b.startTimeout;
        Files.createDirectories(dataDir);
        this.clusterId = loadOrCreateClusterId();
    }

    /** Starts one combined broker and controller on {@code port} (0 picks a free port) with its data under {@code dataDir}. */
    public static EmbeddedKafka start(Path dataDir, int port) throws IOException {
        return builder(dataDir).port(port).start();
    }

    /**
     * Starts one combined broker and controller; {@code extraBrokerConfig} is applied last, over every
     * setting of this class (see {@link Builder#brokerConfig(Map)} for the placeholders it may use).
     *
     * @throws IllegalStateException when the broker does not come up (port taken, bad configuration, ...)
     */
    public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> extraBrokerConfig) throws IOException {
        return builder(dataDir).port(port).brokerConfig(extraBrokerConfig).start();
    }

    /** A builder for the less common settings: several nodes, JVM halt protection, start timeout. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Settings of an {@link EmbeddedKafka}; {@link #start()} starts it. */
    public static final class Builder {
        private final Path dataDir;
        private int port;
        private int nodes = 1;
        private final Map<String, String> extraConfig = new LinkedHashMap<>();
        private boolean haltProtection;
        private Duration startTimeout = Duration.ofSeconds(120);

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /**
         * Client port of the first node; the others take the next ports. 0 (the default) picks free ports
         * for every node.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Number of nodes, each a combined broker and controller (default 1). With more than one node the
         * internal topics and {@code default.replication.factor} use min(3, nodes) replicas.
         */
        public Builder nodes(int nodes) {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes must be at least 1: " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /**
         * Broker settings applied last, to every node. Values may use {@code ${nodeId}}, {@code ${port}}
         * (that node's client port) and {@code ${controllerPort}}, e.g. to add a SASL listener:
         * {@code listeners=PLAINTEXT://localhost:${port},SASL_PLAINTEXT://localhost:9096,CONTROLLER://localhost:${controllerPort}}.
         */
        public Builder brokerConfig(Map<String, String> config) {
            extraConfig.putAll(config);
            return this;
        }

        public Builder brokerConfig(String key, String value) {
            extraConfig.put(key, value);
            return this;
        }

        /** Makes Kafka's JVM exit and halt throw instead, while this instance runs (for tests). */
        public Builder haltProtection(boolean haltProtection) {
            this.haltProtection = haltProtection;
            return this;
        }

        /** How long a start may take before it is given up (default 120 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** Formats (once), starts, and returns when every broker answers clients. */
        public EmbeddedKafka start() throws IOException {
            EmbeddedKafka k = new EmbeddedKafka(this);
            k.protectHalt();
            try {
                k.startFirstTime(port);
            } catch (RuntimeException | Error e) {
                k.releaseHalt();
                throw e;
            }
            return k;
        }
    }

    /** Comma-separated {@code localhost:PORT} of every node. */
    public String bootstrapServers() {
        int[] p = ports;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("localhost:").append(p[i]);
        }
        return sb.toString();
    }

    /** Client port of the first node. */
    public int port() {
        return ports[0];
    }

    /** Client ports of all nodes, node 1 first. */
    public List<Integer> ports() {
        return Arrays.stream(ports).boxed().toList();
    }

    public int nodeCount() {
        return nodeCount;
    }

    public String clusterId() {
        return clusterId;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isRunning() {
        return !servers.isEmpty();
    }

    /** Stops every node cleanly and waits for it; safe to call twice. */
    public synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            shutdownServers();
        } finally {
            releaseHalt();
        }
    }

    /** Stops and starts again on the same ports and data directory; topics, records and offsets are kept. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " was stopped; start a new one");
        }
        shutdownServers();
        startServers();
    }

    @Override
    public void close() {
        stop();
    }

    // ---------------------------------------------------------------------------------------------- start

    private synchronized void startFirstTime(int firstPort) {
        for (int attempt = 1; ; attempt++) {
            try {
                assignPorts(firstPort);
            } catch (IOException e) {
                throw new IllegalStateException("cannot find free ports for embedded Kafka: " + e.getMessage(), e);
            }
            try {
                startServers();
                return;
            } catch (RuntimeException e) {
                // a free port picked by us can be taken by someone else before Kafka binds it: pick again
                if (!autoPorts || attempt >= PORT_ATTEMPTS || !isBindFailure(e)) {
                    throw e;
                }
                log.warn("embedded Kafka: a picked port was taken meanwhile, trying other ports ({})", e.getMessage());
            }
        }
    }

    /**
     * Assigns client and controller ports. Every port picked here is held open until all are picked, so
     * they are distinct.
     */
    private void assignPorts(int firstPort) throws IOException {
        int[] client = new int[nodeCount];
        int[] controller = new int[nodeCount];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) {
                client[i] = firstPort == 0 ? hold(held) : firstPort + i;
            }
            for (int i = 0; i < nodeCount; i++) {
                do {
                    controller[i] = hold(held); // never a client port given by the caller
                } while (contains(client, controller[i]));
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        this.ports = client;
        this.controllerPorts = controller;
    }

    private static boolean contains(int[] values, int value) {
        return Arrays.stream(values).anyMatch(v -> v == value);
    }

    private static int hold(List<ServerSocket> held) throws IOException {
        ServerSocket s = new ServerSocket();
        held.add(s);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s.getLocalPort();
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Formats (first time only) and starts every node in parallel ({@code startup()} of a controller blocks
     * until the quorum forms), then waits until every broker answers clients.
     */
    private void startServers() {
        long t0 = System.nanoTime();
        List<KafkaConfig> configs = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            KafkaConfig config = new KafkaConfig(brokerConfig(i), false);
            format(i);
            configs.add(config);
        }
        servers = startAll(configs);
        try {
            awaitClients(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            shutdownServers();
            throw e;
        }
        log.info("embedded Kafka ({} node{}) up at {} in {} ms (data in {})", nodeCount, nodeCount == 1 ? "" : "s",
                bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), dataDir);
    }

    private List<KafkaRaftServer> startAll(List<KafkaConfig> configs) {
        List<KafkaRaftServer> created = new ArrayList<>();
        List<CompletableFuture<Void>> startups = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            KafkaRaftServer s = new KafkaRaftServer(configs.get(i), Time.SYSTEM);
            created.add(s);
            CompletableFuture<Void> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    s.startup();
                    f.complete(null);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "embedded-kafka-start-" + nodeId(i));
            t.setDaemon(true);
            t.start();
            startups.add(f);
        }
        try {
            CompletableFuture.allOf(startups.toArray(new CompletableFuture<?>[0]))
                    .get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return List.copyOf(created);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(created);
            throw new IllegalStateException("interrupted while embedded Kafka was starting", e);
        } catch (ExecutionException | TimeoutException e) {
            shutdown(created);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("embedded Kafka did not start on " + bootstrapServers() + ": " + cause, cause);
        }
    }

    private Map<String, String> brokerConfig(int i) {
        int id = nodeId(i);
        int replicas = Math.min(3, nodeCount);
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", Integer.toString(id));
        c.put("controller.quorum.voters", voters());
        c.put("controller.listener.names", CONTROLLER_LISTENER);
        c.put("listeners", CLIENT_LISTENER + "://localhost:" + ports[i] + "," + CONTROLLER_LISTENER + "://localhost:" + controllerPorts[i]);
        c.put("advertised.listeners", CLIENT_LISTENER + "://localhost:" + ports[i]);
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("inter.broker.listener.name", CLIENT_LISTENER);
        c.put("log.dirs", logDir(i).toString());
        c.put("metadata.log.dir", metadataDir(i).toString());
        c.put("num.partitions", "1");
        c.put("default.replication.factor", Integer.toString(replicas));
        c.put("min.insync.replicas", "1");
        c.put("auto.create.topics.enable", "false");
        c.put("group.initial.rebalance.delay.ms", "0");
        // internal topics: replicated as far as the cluster allows, few partitions (fast first use)
        c.put("offsets.topic.replication.factor", Integer.toString(replicas));
        c.put("offsets.topic.num.partitions", "3");
        c.put("transaction.state.log.replication.factor", Integer.toString(replicas));
        c.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, replicas)));
        c.put("transaction.state.log.num.partitions", "3");
        c.put("share.coordinator.state.topic.replication.factor", Integer.toString(replicas));
        c.put("share.coordinator.state.topic.min.isr", Integer.toString(Math.min(2, replicas)));
        c.put("share.coordinator.state.topic.num.partitions", "3");
        // bounds the wait of a broker for the quorum inside startup()
        c.put("server.max.startup.time.ms", Long.toString(startTimeout.toMillis()));
        for (Map.Entry<String, String> e : extraConfig.entrySet()) {
            c.put(e.getKey(), e.getValue()
                    .replace("${nodeId}", Integer.toString(id))
                    .replace("${port}", Integer.toString(ports[i]))
                    .replace("${controllerPort}", Integer.toString(controllerPorts[i])));
        }
        return c;
    }

    private String voters() {
        List<String> v = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            v.add(nodeId(i) + "@localhost:" + controllerPorts[i]);
        }
        return String.join(",", v);
    }

    private static int nodeId(int i) {
        return i + 1;
    }

    private Path nodeDir(int i) {
        return nodeCount == 1 ? dataDir : dataDir.resolve("node-" + nodeId(i));
    }

    private Path logDir(int i) {
        return nodeDir(i).resolve("logs");
    }

    private Path metadataDir(int i) {
        return nodeDir(i).resolve("metadata");
    }

    /** Formats node {@code i}'s directories unless already done; a formatted node keeps its data. */
    private void format(int i) {
        if (Files.exists(metadataDir(i).resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                    .setNodeId(nodeId(i))
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir(i).toString(), metadataDir(i).toString()))
                    .setMetadataLogDirectory(metadataDir(i).toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format embedded Kafka directory " + nodeDir(i) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cluster id of this data directory: from {@code cluster.id}, else from the {@code meta.properties}
     * of an already formatted node, else a new one (then written to {@code cluster.id}).
     */
    private String loadOrCreateClusterId() throws IOException {
        Path file = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = null;
        for (int i = 0; i < nodeCount && id == null; i++) {
            Path meta = metadataDir(i).resolve("meta.properties");
            if (Files.exists(meta)) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(meta)) {
                    p.load(in);
                }
                id = p.getProperty("cluster.id");
            }
        }
        if (id == null) {
            id = Uuid.randomUuid().toString();
        }
        Path tmp = dataDir.resolve(CLUSTER_ID_FILE + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    /** Returns once every node is listed by {@code describeCluster} (brokers are registered and unfenced). */
    private void awaitClients(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        Collection<Node> nodes = List.of();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"))) {
            while (System.nanoTime() < deadline) {
                try {
                    nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                    if (nodes.size() >= nodeCount) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " did not answer within "
                + timeout.toSeconds() + " s (brokers seen: "
                + nodes.stream().map(Node::idString).collect(Collectors.joining(",")) + ")", last);
    }

    // ---------------------------------------------------------------------------------------------- stop

    private void shutdownServers() {
        if (servers.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        List<KafkaRaftServer> s = servers;
        servers = List.of();
        shutdown(s);
        log.info("embedded Kafka at {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Shuts the servers down in parallel (a combined node's shutdown waits on the quorum) and awaits them. */
    private static void shutdown(List<KafkaRaftServer> list) {
        List<Thread> threads = new ArrayList<>();
        for (KafkaRaftServer s : list) {
            Thread t = new Thread(() -> {
                try {
                    s.shutdown();
                    s.awaitShutdown();
                } catch (RuntimeException e) {
                    log.warn("embedded Kafka node did not shut down cleanly", e);
                }
            }, "embedded-kafka-stop");
            t.start();
            threads.add(t);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- halt

    private void protectHalt() {
        if (!haltProtection) {
            return;
        }
        synchronized (HALT_LOCK) {
            if (haltProtected++ == 0) {
                previousHalt = currentProcedure("haltProcedure");
                previousExit = currentProcedure("exitProcedure");
                Exit.setHaltProcedure((status, message) -> {
                    log.error("Kafka tried to halt the JVM (status {}): {}", status, message);
                    throw new IllegalStateException("Kafka tried to halt the JVM (status " + status + "): " + message);
                });
                Exit.setExitProcedure((status, message) -> {
                    log.error("Kafka tried to exit the JVM (status {}): {}", status, message);
                    throw new IllegalStateException("Kafka tried to exit the JVM (status " + status + "): " + message);
                });
            }
        }
    }

    /**
     * Puts back the procedures found before the first protected start. Not {@code Exit.reset*Procedure()}: in
     * Kafka 4.4 those install procedures that throw "called after resetting procedures", not the defaults.
     */
    private void releaseHalt() {
        if (!haltProtection) {
            return;
        }
        synchronized (HALT_LOCK) {
            if (--haltProtected == 0) {
                Exit.setHaltProcedure(previousHalt != null ? previousHalt : (status, message) -> Runtime.getRuntime().halt(status));
                Exit.setExitProcedure(previousExit != null ? previousExit : (status, message) -> System.exit(status));
                previousHalt = null;
                previousExit = null;
            }
        }
    }

    /** The procedure currently installed in {@link Exit} (no getter exists), or null when it cannot be read. */
    private static Exit.Procedure currentProcedure(String field) {
        try {
            Field f = Exit.class.getDeclaredField(field);
            f.setAccessible(true);
            return (Exit.Procedure) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("cannot read Exit.{}; the JVM default is restored on stop", field, e);
            return null;
        }
    }
}
