package alldata.sidecar;

import alldata.sidecar.coordinator.CoordinatorTopology;
import alldata.sidecar.http.HttpApi;
import alldata.sidecar.membership.MembershipAgent;
import alldata.sidecar.membership.PeerDirectory;
import alldata.sidecar.replica.AckSender;
import alldata.sidecar.replica.ReplicaWriter;
import alldata.protocol.ClientDefaults;
import alldata.store.RocksReplicaStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One storage node's sidecar: its replica store, the coordinator (a Kafka Streams app shared by all
 * sidecars), the replica writer of its command topic, its membership agent and its HTTP API.
 *
 * <p>Start order: store, topics, membership (so peers see us before any command is sent our way),
 * replica writer, coordinator, HTTP. Close runs in reverse: the membership agent leaves first, so that
 * no new replica is planned on this node while it drains.
 */
public final class Sidecar implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sidecar.class);

    private final SidecarConfig config;
    private final SidecarMetrics metrics;
    private final RocksReplicaStore store;
    private final Producer<byte[], byte[]> producer;
    private final PeerDirectory directory;
    private final MembershipAgent membership;
    private final ReplicaWriter writer;
    private final KafkaStreams streams;
    private final HttpApi http;
    private volatile boolean closed;

    private Sidecar(SidecarConfig config) throws IOException, InterruptedException {
        this.config = config;
        this.metrics = new SidecarMetrics(config.nodeId());
        this.store = RocksReplicaStore.open(config.dataDir().resolve("replicas"));
        try {
            try (Admin admin = Admin.create(config.kafkaClientConfig())) {
                TopicAdmin.ensureTopics(admin, config);
            }
            metrics.storeSize(store::approximateSizeBytes, store::approximateCount);
            Map<String, Object> producerProps = config.kafkaClientConfig();
            producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "alldata-sidecar-" + config.nodeId());
            producerProps = ClientDefaults.producer(producerProps);
            producerProps.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicAdmin.maxRequestBytes(config));
            this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
            this.directory = new PeerDirectory(config.nodeId(), config.zone(), config.region(),
                    config.sessionTimeoutMs(), System::currentTimeMillis);
            AckSender acks = new AckSender(producer, config.topics());
            this.http = new HttpApi(config.httpBind(), config.httpPort(), store, this::health, metrics::scrape);
            this.writer = ReplicaWriter.create(config, store, producer, metrics);
            // LEAVING while this node cannot take replicas: peers stop placing them here until it recovers
            this.membership = new MembershipAgent(config, http.address(), producer, directory, System::currentTimeMillis,
                    () -> store.writeFailure()
                            .map(f -> "replica store failing: " + f + "; fix the disk, then restart this sidecar")
                            .or(() -> writer.failure().map(f -> "replica writer failing: " + f
                                    + "; it retries by itself")));
            CoordinatorTopology coordinator = CoordinatorTopology.of(config, directory, store, acks::sendClock, metrics);
            this.streams = new KafkaStreams(coordinator.topology(), CoordinatorTopology.streamsConfig(config),
                    coordinator.clientSupplier());
            streams.setUncaughtExceptionHandler(e -> {
                log.error("coordinator thread of {} died: {}; replacing the thread", config.nodeId(), e.toString(), e);
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
        } catch (RuntimeException | IOException | InterruptedException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Starts a sidecar: opens the store, creates missing topics, joins the membership, then starts the
     * replica writer, the coordinator and the HTTP API.
     *
     * @throws IllegalStateException with an operator-readable message when Kafka or the topics are not usable
     */
    public static Sidecar start(SidecarConfig config) throws IOException, InterruptedException {
        Sidecar s = new Sidecar(config);
        s.membership.start();
        s.writer.start();
        s.streams.start();
        log.info("sidecar {} started (zone {}, region {}, HTTP on {}, Kafka at {})", config.nodeId(), config.zone(),
                config.region(), s.http.address(), config.bootstrapServers());
        return s;
    }

    public SidecarConfig config() {
        return config;
    }

    public String nodeId() {
        return config.nodeId();
    }

    public RocksReplicaStore store() {
        return store;
    }

    public PeerDirectory directory() {
        return directory;
    }

    public SidecarMetrics metrics() {
        return metrics;
    }

    /** The HTTP API's address, {@code host:port}. */
    public String httpAddress() {
        return http.address();
    }

    public int httpPort() {
        return http.port();
    }

    public KafkaStreams.State coordinatorState() {
        return streams.state();
    }

    /** Healthy once every loop runs and this node sees itself in the membership view. */
    public HttpApi.Health health() {
        if (closed) {
            return new HttpApi.Health(false, "shutting down");
        }
        KafkaStreams.State s = streams.state();
        if (s != KafkaStreams.State.RUNNING && s != KafkaStreams.State.REBALANCING) {
            return new HttpApi.Health(false, "coordinator is " + s);
        }
        Optional<String> storeFailure = store.writeFailure();
        if (storeFailure.isPresent()) {
            return new HttpApi.Health(false, "replica store failing: " + storeFailure.get()
                    + "; its replicas are re-placed on other nodes; fix the disk, then restart this sidecar");
        }
        if (!writer.healthy()) {
            return new HttpApi.Health(false, "replica writer not running");
        }
        if (!membership.healthy() || !directory.seesSelf()) {
            return new HttpApi.Health(false, "not yet live in the membership view");
        }
        return new HttpApi.Health(true, "ok: " + config.nodeId() + " coordinator " + s + ", "
                + directory.live().size() + " live members");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("sidecar {} shutting down", config.nodeId());
        membership.close();
        // leave the coordinator group: staying in it (Streams' default) would keep this node's ingest
        // partitions unowned until the broker's session timeout expired, stalling their puts
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        writer.close();
        producer.close(Duration.ofSeconds(10));
        http.close();
        store.close();
    }
}
