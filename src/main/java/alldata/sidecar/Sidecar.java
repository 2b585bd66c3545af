package alldata.sidecar;

import alldata.core.Clock;
import alldata.protocol.ClientDefaults;
import alldata.protocol.MemberRecord;
import alldata.protocol.Topics;
import alldata.sidecar.config.SidecarConfig;
import alldata.sidecar.coordinator.CommandSender;
import alldata.sidecar.coordinator.CoordinatorSettings;
import alldata.sidecar.coordinator.CoordinatorTopology;
import alldata.sidecar.coordinator.IngestLimits;
import alldata.sidecar.coordinator.StreamsSettings;
import alldata.sidecar.health.LoopbackCheck;
import alldata.sidecar.health.Readiness;
import alldata.sidecar.http.Health;
import alldata.sidecar.http.HttpApi;
import alldata.sidecar.http.HttpOptions;
import alldata.sidecar.kafka.KafkaClients;
import alldata.sidecar.kafka.TopicAdmin;
import alldata.sidecar.kafka.TopicReplication;
import alldata.sidecar.kafka.TopicSettings;
import alldata.sidecar.membership.MembershipSettings;
import alldata.sidecar.membership.MembershipAgent;
import alldata.sidecar.membership.PeerDirectory;
import alldata.sidecar.metrics.ConsumerLag;
import alldata.sidecar.metrics.MeterBindings;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.sidecar.metrics.StoreMeters;
import alldata.sidecar.repair.NodeIdentity;
import alldata.sidecar.http.RepairHttp;
import alldata.sidecar.repair.RepairMeters;
import alldata.sidecar.repair.RepairService;
import alldata.sidecar.repair.StartupIdentity;
import alldata.sidecar.replica.AckSender;
import alldata.sidecar.replica.ReplicaWriter;
import alldata.store.RocksReplicaStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
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
 * sidecars), the replica writer of its command topic, its membership agent, its repair service and its
 * HTTP API.
 *
 * <p>Start order: store, topics (this node's command topic with a leader), the node's identity (refused when the
 * store is another node's, or another process runs as this node), HTTP (its address goes into the membership
 * record), membership (so that peers see this node before any command is sent its way), repair's endpoints,
 * replica writer, coordinator (not while a decommission is in progress), repair. Close runs in reverse: repair
 * stops, then the membership agent leaves, so that no new replica is planned on this node while it drains.
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
    private final NodeIdentity identity;
    private final RepairService repair;
    private final KafkaStreams streams;
    private final Readiness.CoordinatorState coordinatorState = new Readiness.CoordinatorState();
    private final Readiness readiness;
    private final HttpApi http;
    private final MeterBindings meters;
    private final TopicReplication topicReplication;
    private volatile boolean started;
    private volatile boolean closed;

    private Sidecar(SidecarConfig config) throws IOException, InterruptedException {
        this.config = config;
        this.metrics = new SidecarMetrics(config.nodeId());
        this.store = RocksReplicaStore.open(config.dataDir().resolve("replicas"));
        // what is open so far, closed in reverse when a later part cannot be made
        Deque<AutoCloseable> opened = new ArrayDeque<>(List.of(store));
        try {
            try (Admin admin = Admin.create(config.kafkaClientConfig())) {
                this.topicReplication = TopicAdmin.ensureTopics(admin, topicSettings(config));
            }
            this.identity = StartupIdentity.establish(kafkaClients(config), config.sessionTimeoutMs(), store);
            metrics.storeSize(store.statistics()::approximateSizeBytes, store.statistics()::approximateCount);
            Map<String, Object> producerProps = config.kafkaClientConfig();
            producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "alldata-sidecar-" + config.nodeId());
            producerProps = ClientDefaults.producer(producerProps);
            producerProps.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    TopicAdmin.maxRequestBytes(topicSettings(config)));
            this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
            opened.push(producer);
            this.directory = new PeerDirectory(config.nodeId(), config.zone(), config.region(),
                    config.sessionTimeoutMs(), Clock.SYSTEM);
            AckSender acks = new AckSender(producer, config.topics());
            this.readiness = new Readiness(List.of(
                    Readiness.open(this::lifecycleProblem),
                    Readiness.replicaStore(store::writeFailure),
                    Readiness.coordinator(coordinatorState),
                    Readiness.replicaWriter(this::writerRunning),
                    Readiness.membership(this::membershipRunning, directory::seesSelf, config.topics().membership())),
                    () -> config.nodeId() + ", coordinator " + coordinatorState.state() + ", "
                            + directory.live().size() + " live members");
            this.http = new HttpApi(httpOptions(config), store, directory, readiness::check, metrics::scrape);
            opened.push(http);
            LoopbackCheck.warning(config.httpBind(), http.address(), config.bootstrapServers()).ifPresent(log::warn);
            // LEAVING while this node cannot take replicas: peers stop placing them here until it recovers
            this.membership = new MembershipAgent(membershipSettings(config), http.address(), producer, directory,
                    Clock.SYSTEM,
                    () -> store.writeFailure()
                            .map(f -> "replica store failing: " + f + "; fix the disk, then restart this sidecar")
                            .or(() -> writerFailure().map(f -> "replica writer failing: " + f
                                    + "; it retries by itself")), identity.incarnation(), identity.startedEmptyAtMs());
            opened.push(membership);
            this.repair = RepairService.create(repairSettings(config), config.topics(), repairLimits(config), store,
                    producer, repairMembership(), identity, http.peers(), this::stopCoordinating);
            opened.push(repair);
            RepairHttp repairHttp = new RepairHttp(config.nodeId(), store, repair);
            http.mount("/repair", repairHttp);
            http.mount("/admin", repairHttp);
            this.writer = ReplicaWriter.create(kafkaClients(config), store, producer, metrics, repair::onReplies);
            opened.push(writer);
            CoordinatorTopology coordinator = CoordinatorTopology.of(coordinatorSettings(config), config.topics(),
                    TopicAdmin.changelogRecordMaxBytes(topicSettings(config)), directory, store, acks::sendClock,
                    CommandSender.through(producer, config.topics()), metrics);
            this.streams = new KafkaStreams(coordinator.topology(), CoordinatorTopology.streamsConfig(streamsSettings(config),
                    topicReplication),
                    coordinator.clientSupplier());
            opened.push(streams);
            streams.setStateListener(coordinatorState);
            streams.setUncaughtExceptionHandler(e -> {
                log.error("coordinator thread of {} died: {}; replacing the thread", config.nodeId(), e.toString(), e);
                coordinatorState.threadDied(e);
                metrics.coordinatorThreadDied();
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            this.meters = new MeterBindings(metrics.registry(), config.nodeId());
            opened.push(meters);
            bindMeters();
        } catch (RuntimeException | IOException | InterruptedException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** How this node's parts reach Kafka. */
    public static KafkaClients kafkaClients(SidecarConfig config) {
        return new KafkaClients(config.nodeId(), config.topics(), config.kafkaClientConfig());
    }

    /** What the topic admin creates and how large its records may be. */
    public static TopicSettings topicSettings(SidecarConfig config) {
        return new TopicSettings(config.bootstrapServers(), config.topics(), config.nodeId(), config.ingestPartitions(),
                config.resultsPartitions(), config.commandPartitions(), config.topicReplicationFactor(),
                config.maxEventBytes(), config.maxKeyBytes(), config.maxHeaderBytes(), config.maxCommandBatchBytes());
    }

    /** The coordinator's Kafka Streams settings. */
    public static StreamsSettings streamsSettings(SidecarConfig config) {
        return new StreamsSettings(kafkaClients(config), config.dataDir(), config.processingGuarantee(),
                config.streamThreads(), config.commitIntervalMs(), TopicAdmin.maxRequestBytes(topicSettings(config)));
    }

    /** The coordinator's settings. */
    private static CoordinatorSettings coordinatorSettings(SidecarConfig config) {
        return new CoordinatorSettings(config.nodeId(), config.strategy(), config.commitLevel(), config.replicaTimeoutMs(),
                config.get(SidecarConfig.PUT_TIMEOUT_MS),
                config.get(SidecarConfig.PLACEMENT_WHEN_SHORT),
                new IngestLimits(config.maxEventBytes(), config.maxKeyBytes(), config.maxHeaderBytes(),
                        config.get(SidecarConfig.MAX_EVENT_DEPTH)),
                config.get(SidecarConfig.MAX_PENDING_PUTS), config.get(SidecarConfig.MAX_PENDING_BYTES),
                config.maxCommandBatchBytes(), config.get(SidecarConfig.COMMIT_MIN_INTERVAL_MS), config.commitSpread());
    }

    /** What the membership agent announces and how often. */
    private static MembershipSettings membershipSettings(SidecarConfig config) {
        return new MembershipSettings(kafkaClients(config), config.zone(), config.region(),
                config.get(SidecarConfig.HTTP_TLS_KEYSTORE_PATH).isPresent(), config.heartbeatMs());
    }

    /** What repair decides with. */
    private static RepairService.Settings repairSettings(SidecarConfig config) {
        return RepairService.Settings.of(config.nodeId(), config.zone(), config.region(), config.strategy(),
                config.sessionTimeoutMs(), config.replicaTimeoutMs(), config.get(SidecarConfig.REPAIR_DELAY_MS),
                config.get(SidecarConfig.REPAIR_SCAN_INTERVAL_MS));
    }

    /** How fast repair copies. */
    private static RepairService.Limits repairLimits(SidecarConfig config) {
        return new RepairService.Limits(config.get(SidecarConfig.REPAIR_MAX_EVENTS_PER_S),
                config.get(SidecarConfig.REPAIR_MAX_BYTES_PER_S), config.maxCommandBatchBytes());
    }

    /** The HTTP API's settings, from the {@code http.*} keys. */
    static HttpOptions httpOptions(SidecarConfig config) {
        Optional<HttpOptions.KeyStoreFile> keystore = config.get(SidecarConfig.HTTP_TLS_KEYSTORE_PATH)
                .map(p -> new HttpOptions.KeyStoreFile(p, config.get(SidecarConfig.HTTP_TLS_KEYSTORE_PASSWORD).orElseThrow(),
                        config.get(SidecarConfig.HTTP_TLS_KEYSTORE_TYPE)));
        Optional<HttpOptions.KeyStoreFile> truststore = config.get(SidecarConfig.HTTP_TLS_TRUSTSTORE_PATH)
                .map(p -> new HttpOptions.KeyStoreFile(p, config.get(SidecarConfig.HTTP_TLS_TRUSTSTORE_PASSWORD).orElse(null),
                        config.get(SidecarConfig.HTTP_TLS_TRUSTSTORE_TYPE)));
        return new HttpOptions(config.httpBind(), config.httpPort(), config.get(SidecarConfig.HTTP_ADVERTISED_ADDRESS),
                keystore, truststore, config.get(SidecarConfig.HTTP_AUTH_TOKEN),
                Duration.ofMillis(config.get(SidecarConfig.HTTP_PEER_TIMEOUT_MS)),
                config.get(SidecarConfig.HTTP_SCAN_MAX_PAGE_BYTES), config.get(SidecarConfig.HTTP_READ_THREADS));
    }

    /** JVM, Kafka clients and Streams, the store's RocksDB statistics, and consumer lag, on {@code /metrics}. */
    private void bindMeters() {
        Topics topics = config.topics();
        meters.bindJvm();
        meters.bindKafkaClient(producer);
        meters.bindKafkaClient(writer.consumerForMetrics());
        meters.bindKafkaClient(membership.consumerForMetrics());
        meters.bindKafkaStreams(streams);
        meters.bind(new StoreMeters(store.statistics()));
        meters.bind(new RepairMeters(repair));
        meters.bind(new ConsumerLag("alldata.replica.commands.lag",
                "Records of this node's command topic its replica writer has yet to read", writer.consumerForMetrics()::metrics,
                topics.commands(config.nodeId())));
        meters.bind(new ConsumerLag("alldata.coordinator.ingest.lag",
                "Ingest records this node's coordinator tasks have yet to read", streams::metrics, topics.ingest()));
        meters.bind(new ConsumerLag("alldata.coordinator.acks.lag",
                "Ack records this node's coordinator tasks have yet to read", streams::metrics, topics.acks()));
    }

    /** The membership agent and directory as repair uses them. */
    private RepairService.Membership repairMembership() {
        return new RepairService.Membership() {
            @Override
            public boolean caughtUp() {
                return membership.caughtUp();
            }

            @Override
            public Collection<MemberRecord> members() {
                return directory.all();
            }

            @Override
            public MemberRecord member(String node) {
                return directory.get(node);
            }

            @Override
            public void drain() {
                membership.drain();
            }

            @Override
            public boolean draining() {
                return membership.draining();
            }

            @Override
            public void leaveForGood() throws Exception {
                membership.leaveForGood();
            }
        };
    }

    /** A decommission hands this node's ingest partitions to the other coordinators. */
    private void stopCoordinating() {
        log.info("{} stops coordinating (decommission): its ingest partitions move to the other nodes", config.nodeId());
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    /**
     * "starting" until {@link #start} has started every part, "shutting down" once closing, "decommissioning"
     * while this node moves its replicas away.
     */
    private Optional<String> lifecycleProblem() {
        if (closed) {
            return Optional.of("shutting down");
        }
        if (membership.draining()) {
            return Optional.of(repair.status().decommissioned()
                    ? "decommissioned: every replica moved away and the tombstone written; stop this sidecar"
                    : "decommissioning: this node takes no new work while it moves its replicas to other nodes (see"
                    + " /repair/status)");
        }
        return started ? Optional.empty() : Optional.of("starting");
    }

    private Optional<String> writerFailure() {
        return writer.failure();
    }

    private boolean writerRunning() {
        return writer.healthy();
    }

    private boolean membershipRunning() {
        return membership.healthy();
    }

    /**
     * Starts a sidecar: opens the store, creates missing topics, checks the store's identity (refusing another
     * node's store or a second live process with this node id), serves the HTTP API (not ready until started),
     * builds membership, repair, the replica writer and the coordinator; then resumes an interrupted
     * decommission, joins the membership, starts the replica writer, the coordinator (unless this node is
     * decommissioning) and last the repair service.
     *
     * @throws IllegalStateException with an operator-readable message when Kafka or the topics are not usable
     */
    public static Sidecar start(SidecarConfig config) throws IOException, InterruptedException {
        Sidecar s = new Sidecar(config);
        try {
            s.repair.resumeDecommission();
            s.membership.start();
            s.writer.start();
            s.awaitMembership();
            if (!RepairService.decommissionStarted(s.store)) {
                s.streams.start();
            }
            s.repair.start();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        s.started = true;
        log.info("sidecar {} started (zone {}, region {}, HTTP on {}, Kafka at {})", config.nodeId(), config.zone(),
                config.region(), s.http.address(), config.bootstrapServers());
        return s;
    }

    /**
     * Waits (at most one membership session) until the membership topic is read to its end, so that the first puts
     * this coordinator plans see the peers that are live: a node that had just restarted planned against an empty
     * view and FAILED puts for want of peers.
     */
    private void awaitMembership() throws InterruptedException {
        if (!membership.awaitCaughtUp(config.sessionTimeoutMs())) {
            log.warn("{} starts coordinating before it has read the whole membership topic {} (not within {} ms);"
                    + " its first puts may wait for peers it does not see yet", config.nodeId(),
                    config.topics().membership(), config.sessionTimeoutMs());
        }
    }

    public SidecarConfig config() {
        return config;
    }

    /** How the topics this sidecar created, and its Streams changelog, are replicated (decided at start). */
    public TopicReplication topicReplication() {
        return topicReplication;
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

    /** This node's repair (status, decommission). */
    public RepairService repair() {
        return repair;
    }

    /** The identity this node runs as. */
    public NodeIdentity identity() {
        return identity;
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

    /**
     * Readiness ({@code /health/ready}): healthy once the coordinator runs, the replica store takes writes,
     * the replica writer polls and this node sees itself live in the membership view; otherwise the first
     * failing check says why.
     */
    public Health health() {
        return readiness.check();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("sidecar {} shutting down", config.nodeId());
        repair.close();
        membership.close();
        // leave the coordinator group: staying in it (Streams' default) would keep this node's ingest
        // partitions unowned until the broker's session timeout expired, stalling their puts
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        writer.close();
        producer.close(Duration.ofSeconds(10));
        http.close();
        meters.close(); // after HTTP: no scrape reads a closed client or store
        store.close();
    }
}
