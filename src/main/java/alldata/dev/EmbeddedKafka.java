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
 * <p>A multi-node cluster runs either in this JVM ({@link Builder#nodes(int)}) or one node per process
 * ({@link Builder#member(int, String)}): each process then runs one node of a cluster whose controller quorum is
 * given as a static voters string, with a cluster id shared by every node ({@link Builder#clusterId(String)}), so
 * that a node can be killed and restarted on its own.
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
    /** Nodes of the whole cluster, whether they run in this JVM or not. */
    private final int nodeCount;
    /** Null when every node runs in this JVM; else the one node this JVM runs. */
    private final Voters.Voter member;
    private final Voters voters;
    private final int firstControllerPort;
    private final boolean autoPorts;
    private final Map<String, String> extraConfig;
    private final boolean haltProtection;
    private final Duration startTimeout;
    private final String clusterId;

    /** Node ids, client ports and controller ports of the nodes run in this JVM, by index. */
    private volatile int[] ids;
    private volatile int[] ports;
    private volatile int[] controllerPorts;
    private volatile List<KafkaRaftServer> servers = List.of();
    private boolean closed;

    /** @param preview only to compute broker settings: nothing is written, no cluster id is made */
    private EmbeddedKafka(Builder b, boolean preview) throws IOException {
        this.dataDir = b.dataDir.toAbsolutePath().normalize();
        this.voters = b.voters;
        this.member = b.voters == null ? null : b.voters.voter(b.memberId);
        this.nodeCount = b.voters == null ? b.nodes : b.voters.size();
        this.firstControllerPort = b.controllerPort;
        this.autoPorts = b.port == 0;
        this.extraConfig = Map.copyOf(b.extraConfig);
        this.haltProtection = b.haltProtection;
        this.startTimeout = b.startTimeout;
        if (member != null && (b.port == 0 || b.clusterId == null)) {
            // the other nodes' processes must know where to find this one, and all must agree on the cluster
            throw new IllegalArgumentException("a member node needs a fixed client port and the cluster id");
        }
        if (preview) {
            this.clusterId = b.clusterId;
            return;
        }
        Files.createDirectories(dataDir);
        this.clusterId = member == null ? loadOrCreateClusterId(b.clusterId) : checkMemberClusterId(b.clusterId);
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
        private int controllerPort;
        private int nodes = 1;
        private int memberId;
        private Voters voters;
        private String clusterId;
        private final Map<String, String> extraConfig = new LinkedHashMap<>();
        private boolean haltProtection;
        private Duration startTimeout = Duration.ofSeconds(120);

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /**
         * Client port of the first node; the others take the next ports. 0 (the default) picks free ports
         * for every node. For a {@link #member(int, String) member}: its own client port.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Controller port of the first node; the others take the next ports. 0 (the default) picks free ports.
         * Ignored for a {@link #member(int, String) member}, whose voters say its controller port.
         */
        public Builder controllerPort(int controllerPort) {
            if (controllerPort < 0 || controllerPort > 65535) {
                throw new IllegalArgumentException("controller port out of range: " + controllerPort);
            }
            this.controllerPort = controllerPort;
            return this;
        }

        /**
         * Number of nodes run in this JVM, each a combined broker and controller (default 1). With more than one
         * node the internal topics and {@code default.replication.factor} use min(3, nodes) replicas.
         */
        public Builder nodes(int nodes) {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes must be at least 1: " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /**
         * Runs only node {@code nodeId} of a cluster whose other nodes run elsewhere (their own processes), with
         * the static controller quorum {@code voters}, e.g. {@code 1@localhost:9192,2@localhost:9193,3@localhost:9194}.
         * This node's controller listens on its voter's port, its clients on {@link #port(int)} (which must then be
         * given); the cluster id must be given too ({@link #clusterId(String)}), the same on every node. The
         * cluster's size is the number of voters; its data goes to {@code dataDir/node-<nodeId>}, so that the nodes
         * of one machine may share a data directory.
         *
         * @throws IllegalArgumentException when {@code voters} is malformed or does not name {@code nodeId}
         */
        public Builder member(int nodeId, String voters) {
            Voters v = Voters.parse(voters);
            v.voter(nodeId); // fails now, naming the node, when it is not a voter
            this.memberId = nodeId;
            this.voters = v;
            return this;
        }

        /**
         * The cluster id (Kafka's base64 UUID form, as {@code kafka-storage random-uuid} prints it). Required for a
         * {@link #member(int, String) member}: every node of a cluster is formatted with the same one. Otherwise
         * the id comes from the data directory, or a new one is made.
         */
        public Builder clusterId(String clusterId) {
            Uuid.fromString(Objects.requireNonNull(clusterId, "clusterId")); // fails on a malformed id
            this.clusterId = clusterId;
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

        /** One broker setting applied last, to every node (see {@link #brokerConfig(Map)}). */
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

        /** Formats (once), starts, and returns when every broker of this JVM answers clients. */
        public EmbeddedKafka start() throws IOException {
            EmbeddedKafka k = new EmbeddedKafka(this, false);
            k.protectHalt();
            try {
                k.startFirstTime(port);
            } catch (RuntimeException | Error e) {
                k.releaseHalt();
                throw e;
            }
            return k;
        }

        /**
         * The broker settings, by node id, that the nodes of this JVM would start with, without starting anything
         * (ports left at 0 show as 0; a new data directory gets no cluster id file). For checks and tests.
         */
        public Map<Integer, Map<String, String>> brokerConfigs() throws IOException {
            EmbeddedKafka k = new EmbeddedKafka(this, true);
            k.planPorts(port, false);
            Map<Integer, Map<String, String>> configs = new java.util.TreeMap<>();
            for (int i = 0; i < k.ids.length; i++) {
                configs.put(k.ids[i], Map.copyOf(k.brokerConfig(i)));
            }
            return configs;
        }
    }

    /**
     * A static controller quorum, {@code id@host:port} entries separated by commas.
     *
     * @param voters the entries, in the order given
     */
    public record Voters(List<Voter> voters) {
        /** One controller of the quorum. */
        public record Voter(int id, String host, int port) {
            @Override
            public String toString() {
                return id + "@" + host + ":" + port;
            }
        }

        public Voters {
            voters = List.copyOf(voters);
        }

        /**
         * @throws IllegalArgumentException naming the entry that is not {@code id@host:port}, or a repeated id
         */
        public static Voters parse(String text) {
            List<Voter> list = new ArrayList<>();
            for (String entry : Objects.requireNonNull(text, "voters").split(",")) {
                String e = entry.strip();
                int at = e.indexOf('@');
                int colon = e.lastIndexOf(':');
                try {
                    if (at < 1 || colon < at + 2) {
                        throw new NumberFormatException();
                    }
                    Voter v = new Voter(Integer.parseInt(e.substring(0, at)), e.substring(at + 1, colon),
                            Integer.parseInt(e.substring(colon + 1)));
                    if (v.id() < 0 || v.port() < 1 || v.port() > 65535) {
                        throw new NumberFormatException();
                    }
                    if (list.stream().anyMatch(o -> o.id() == v.id())) {
                        throw new IllegalArgumentException("voters name node " + v.id() + " twice: " + text);
                    }
                    list.add(v);
                } catch (NumberFormatException x) {
                    throw new IllegalArgumentException("voter '" + e + "' is not id@host:port (in '" + text + "')");
                }
            }
            return new Voters(list);
        }

        /** Number of controllers. */
        public int size() {
            return voters.size();
        }

        /** @throws IllegalArgumentException when no controller has this id */
        public Voter voter(int id) {
            return voters.stream().filter(v -> v.id() == id).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("node " + id + " is not one of the voters " + this));
        }

        @Override
        public String toString() {
            return voters.stream().map(Voter::toString).collect(Collectors.joining(","));
        }
    }

    /** Comma-separated {@code localhost:PORT} of every node run in this JVM. */
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

    /** Client ports of the nodes run in this JVM, lowest node id first. */
    public List<Integer> ports() {
        return Arrays.stream(ports).boxed().toList();
    }

    /** Nodes of the whole cluster, including those run by other processes. */
    public int nodeCount() {
        return nodeCount;
    }

    /** Ids of the nodes run in this JVM. */
    public List<Integer> nodeIds() {
        return Arrays.stream(ids).boxed().toList();
    }

    /** The static controller quorum, {@code id@localhost:port} of every node. */
    public String voters() {
        return votersText();
    }

    public String clusterId() {
        return clusterId;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Whether the nodes of this JVM run. */
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
                planPorts(firstPort, true);
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
     * Assigns node ids, client and controller ports of the nodes run here. Every port picked here ({@code pick}
     * true and a base port 0) is held open until all are picked, so they are distinct; a member's ports are given.
     */
    private void planPorts(int firstPort, boolean pick) throws IOException {
        if (member != null) {
            this.ids = new int[] {member.id()};
            this.ports = new int[] {firstPort};
            this.controllerPorts = new int[] {member.port()};
            return;
        }
        int[] id = new int[nodeCount];
        int[] client = new int[nodeCount];
        int[] controller = new int[nodeCount];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) {
                id[i] = nodeId(i);
                client[i] = firstPort == 0 && pick ? hold(held) : firstPort == 0 ? 0 : firstPort + i;
            }
            for (int i = 0; i < nodeCount; i++) {
                if (firstControllerPort != 0) {
                    controller[i] = firstControllerPort + i;
                } else if (pick) {
                    do {
                        controller[i] = hold(held); // never a client port given by the caller
                    } while (contains(client, controller[i]));
                }
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        this.ids = id;
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
        for (int i = 0; i < ids.length; i++) {
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
        log.info("embedded Kafka ({}) up at {} in {} ms (data in {})", member == null
                        ? nodeCount + " node" + (nodeCount == 1 ? "" : "s") : "node " + member.id() + " of " + nodeCount,
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
            }, "embedded-kafka-start-" + ids[i]);
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
        int id = ids[i];
        int replicas = Math.min(3, nodeCount);
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", Integer.toString(id));
        c.put("controller.quorum.voters", votersText());
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

    private String votersText() {
        if (voters != null) {
            return voters.toString();
        }
        List<String> v = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            v.add(ids[i] + "@localhost:" + controllerPorts[i]);
        }
        return String.join(",", v);
    }

    private static int nodeId(int i) {
        return i + 1;
    }

    private Path nodeDir(int i) {
        return nodeCount == 1 && member == null ? dataDir : dataDir.resolve("node-" + ids[i]);
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
                    .setNodeId(ids[i])
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
     * A member's cluster id, as given; refused when this node's directory was formatted for another cluster (Kafka
     * would refuse to start with a less telling message).
     */
    private String checkMemberClusterId(String given) throws IOException {
        Path meta = dataDir.resolve("node-" + member.id()).resolve("metadata").resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                p.load(in);
            }
            String formatted = p.getProperty("cluster.id");
            if (formatted != null && !formatted.equals(given)) {
                throw new IllegalStateException(meta.getParent() + " belongs to Kafka cluster " + formatted + ", not "
                        + given + ": give that cluster id, or another data directory");
            }
        }
        return given;
    }

    /**
     * The cluster id of this data directory: from {@code cluster.id}, else from the {@code meta.properties} of an
     * already formatted node, else {@code given}, else a new one; written to {@code cluster.id}.
     *
     * @param given the id asked for, or null
     * @throws IllegalStateException when the directory belongs to another cluster than {@code given}
     */
    private String loadOrCreateClusterId(String given) throws IOException {
        Path file = dataDir.resolve(CLUSTER_ID_FILE);
        String id = null;
        if (Files.exists(file)) {
            String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
            id = kept.isEmpty() ? null : kept;
        }
        for (int i = 0; i < nodeCount && id == null; i++) {
            Path meta = (nodeCount == 1 ? dataDir : dataDir.resolve("node-" + nodeId(i))).resolve("metadata")
                    .resolve("meta.properties");
            if (Files.exists(meta)) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(meta)) {
                    p.load(in);
                }
                id = p.getProperty("cluster.id");
            }
        }
        if (id != null && given != null && !id.equals(given)) {
            throw new IllegalStateException(dataDir + " belongs to Kafka cluster " + id + ", not " + given
                    + ": give that cluster id, or another data directory");
        }
        if (id == null) {
            id = given != null ? given : Uuid.randomUuid().toString();
        }
        Path tmp = dataDir.resolve(CLUSTER_ID_FILE + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    /**
     * Returns once every node of this JVM is listed by {@code describeCluster} (brokers are registered and
     * unfenced).
     */
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
                    List<Integer> seen = nodes.stream().map(Node::id).toList();
                    if (seen.containsAll(nodeIds())) {
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
