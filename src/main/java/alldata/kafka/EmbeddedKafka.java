package alldata.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process single-node Apache Kafka (KRaft, combined broker and controller) from Kafka's own server
 * artifacts: the broker of {@code alldata dev}, the benchmark and the integration tests. Listens on
 * {@code localhost} only. The log directory is formatted once; restarting on the same directory keeps
 * every topic and offset.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> extraConfig;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dataDir, int port, int controllerPort, Map<String, String> extraConfig) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraConfig = Map.copyOf(extraConfig);
    }

    /** Starts a broker on {@code port} (0 picks a free one) with its data under {@code dataDir}. */
    public static EmbeddedKafka start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, Map.of());
    }

    /**
     * Starts a broker; {@code extraBrokerConfig} is applied last (listeners, SASL, ...). Blocks until the
     * broker answers clients.
     *
     * @throws IllegalStateException when the port is taken or the broker does not come up
     */
    public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> extraBrokerConfig) throws IOException {
        Files.createDirectories(dataDir);
        EmbeddedKafka k = new EmbeddedKafka(dataDir.toAbsolutePath(), port == 0 ? freePort() : port, freePort(),
                extraBrokerConfig);
        k.startServer();
        return k;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    private Map<String, String> brokerConfig() {
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", Integer.toString(NODE_ID));
        c.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        c.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("log.dirs", dataDir.resolve("logs").toString());
        c.put("metadata.log.dir", dataDir.resolve("metadata").toString());
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "3");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("min.insync.replicas", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("auto.create.topics.enable", "false");
        c.put("num.partitions", "1");
        c.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        c.putAll(extraConfig);
        return c;
    }

    private synchronized void startServer() {
        KafkaConfig config = new KafkaConfig(brokerConfig(), false);
        format(config);
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            s.shutdown();
            throw new IllegalStateException("embedded Kafka did not start on port " + port + ": " + e.getMessage(), e);
        }
        server = s;
        awaitClients(Duration.ofSeconds(60));
        log.info("embedded Kafka up at {} (data in {})", bootstrapServers(), dataDir);
    }

    /** Formats the log directories once; a directory with {@code meta.properties} keeps its data. */
    private void format(KafkaConfig config) {
        Path logs = dataDir.resolve("logs");
        Path metadata = dataDir.resolve("metadata");
        if (Files.exists(metadata.resolve("meta.properties"))) {
            return;
        }
        try {
            Formatter f = new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId())
                    .setDirectories(List.of(logs.toString(), metadata.toString()))
                    .setMetadataLogDirectory(metadata.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true);
            f.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded Kafka log directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** A stable cluster id per data directory. */
    private String clusterId() throws IOException {
        Path file = dataDir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id, StandardCharsets.UTF_8);
        return id;
    }

    private void awaitClients(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers(),
                "request.timeout.ms", "5000", "default.api.timeout.ms", "10000"))) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = new IllegalStateException(e.getMessage(), e);
                }
            }
        }
        throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " did not answer within "
                + timeout.toSeconds() + " s", last);
    }

    /** Stops the broker and waits for it; safe to call twice. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("embedded Kafka at {} stopped", bootstrapServers());
    }

    /** Stops and starts again on the same ports and data. */
    public synchronized void restart() {
        stop();
        startServer();
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

}
