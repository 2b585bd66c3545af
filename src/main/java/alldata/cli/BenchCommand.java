package alldata.cli;

import alldata.client.AllDataClient;
import alldata.core.CommitLevel;
import alldata.dev.LocalCluster;
import alldata.dev.WindowedPuts;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.sidecar.Sidecar;
import alldata.sidecar.coordinator.CoordinatorTopology;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alldata bench}: in one run on one broker, the ceiling (raw Kafka produce with acks=all, and a
 * produce-to-consume round trip) and the system (coordinated puts produced to ingest until their
 * COMMITTED outcome is consumed), with the ratios between them.
 *
 * <p>Every latency measurement uses the same load shape: a closed loop with {@code --window} events in
 * flight, so the ratios compare like with like. With {@code --streams-floor}, a do-nothing Kafka Streams
 * hop is measured the same way, to separate the framework's cost from AllData's.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark coordinated puts against raw Kafka on the same broker (embedded unless --bootstrap).",
                "Prints a table, or one JSON object with --json."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "100000", description = "Events per phase (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--event-size", defaultValue = "200", description = "Event size in bytes (default ${DEFAULT-VALUE}).")
    int eventSize;

    @Option(names = "--nodes", defaultValue = "3", description = "Sidecars (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--replication-factor", defaultValue = "3", description = "Replicas per event (default ${DEFAULT-VALUE}).")
    int replicationFactor;

    @Option(names = "--commit-level", defaultValue = "QUORUM", description = "Commit level (default ${DEFAULT-VALUE}).")
    CommitLevel commitLevel;

    @Option(names = "--partitions", defaultValue = "6", description = "Ingest (and raw topic) partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--window", defaultValue = "1000", description = "Events in flight during the measured phases (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--kafka-port", defaultValue = "0", description = "Port of the embedded broker (default: a free one).")
    int kafkaPort;

    @Option(names = "--bootstrap", description = "Use this external Kafka instead of an embedded broker (sidecars still run here).")
    String bootstrap;

    @Option(names = "--data-dir", description = "Where broker and nodes keep data (default: a fresh temp directory).")
    Path dataDir;

    @Option(names = "--warmup", description = "Coordinated puts before the measured ones (default: a quarter of --events, at most 20000).")
    Integer warmup;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A sidecar setting for every node, as in its config file (repeatable), e.g. --set commit.interval.ms=200 --set kafka.linger.ms=5.")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = "--streams-floor", description = {
            "Also measure a do-nothing Kafka Streams hop (one pass-through instance per node, the coordinator's",
            "Streams settings, same window): what the framework costs before AllData does any work."})
    boolean streamsFloor;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String prefix = "bench" + Long.toHexString(System.nanoTime() & 0xffffff) + ".";
        Map<String, String> extra = new java.util.HashMap<>(settings);
        extra.put("topic.prefix", prefix);
        validate(extra);
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("alldata-bench");
        byte[] payload = event(eventSize);
        err.println("bench: starting " + (bootstrap == null ? "embedded broker and " : "") + nodes
                + (nodes == 1 ? " sidecar..." : " sidecars..."));
        try (LocalCluster cluster = bootstrap == null
                ? LocalCluster.start(dir, kafkaPort, nodes, 0, replicationFactor, commitLevel, partitions, extra)
                : LocalCluster.startOn(bootstrap, dir, nodes, 0, replicationFactor, commitLevel, partitions, extra)) {
            String servers = cluster.bootstrapServers();
            err.println("bench: raw produce (acks=all) of " + events + " events...");
            Raw raw = raw(servers, prefix + "raw", payload);
            err.println("bench: raw produce->consume round trip, window " + window + "...");
            createTopic(servers, prefix + "roundtrip");
            Histogram rawTrip = roundTrip(servers, prefix + "roundtrip", prefix + "roundtrip", payload, events).latency();
            Trip floor = null;
            if (streamsFloor) {
                err.println("bench: do-nothing Streams hop, " + nodes + " instances, window " + window + "...");
                floor = streamsFloor(servers, prefix, cluster, payload);
            }
            err.println("bench: coordinated puts, window " + window + "...");
            WindowedPuts.Result system = coordinated(servers, new Topics(prefix), payload);
            for (var s : cluster.sidecars()) {
                double[] lag = s.metrics().meanLagsMs();
                err.printf("bench: %s mean ingest lag %.1f ms, ack lag %.1f ms, commit latency %.1f ms%n", s.nodeId(),
                        lag[0], lag[1], lag[2]);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("events", events);
            r.put("event_size", eventSize);
            r.put("nodes", nodes);
            r.put("replication_factor", replicationFactor);
            r.put("commit_level", commitLevel.name());
            r.put("partitions", partitions);
            r.put("window", window);
            r.put("raw_events_per_s", round(raw.eventsPerS));
            r.put("raw_mb_per_s", Math.round(raw.eventsPerS * eventSize / 1e5) / 10.0);
            r.put("raw_p50_ms", ms(rawTrip, 50));
            r.put("raw_p99_ms", ms(rawTrip, 99));
            if (floor != null) {
                r.put("floor_events_per_s", round(floor.eventsPerS()));
                r.put("floor_p50_ms", ms(floor.latency(), 50));
                r.put("floor_p99_ms", ms(floor.latency(), 99));
                r.put("floor_throughput_ratio", round3(floor.eventsPerS() / raw.eventsPerS));
            }
            r.put("events_per_s", round(system.eventsPerS()));
            r.put("committed", system.committed());
            r.put("failed", system.failed());
            r.put("p50_ms", ms(system.latency(), 50));
            r.put("p99_ms", ms(system.latency(), 99));
            r.put("p999_ms", ms(system.latency(), 99.9));
            r.put("throughput_ratio", round3(system.eventsPerS() / raw.eventsPerS));
            r.put("p99_ratio", round3(ms(system.latency(), 99) / Math.max(0.001, ms(rawTrip, 99))));
            if (json) {
                out.println(Wire.json().writeValueAsString(r));
            } else {
                out.printf("%-22s %s%n", "metric", "value");
                r.forEach((k, v) -> out.printf("%-22s %s%n", k, v));
            }
            out.flush();
            return system.failed() == 0 ? 0 : 1;
        } finally {
            if (dataDir == null) {
                deleteTree(dir);
            }
        }
    }

    /** Refuses, before anything starts, a run that could not measure what it says. */
    private void validate(Map<String, String> extra) {
        positive("--events", events);
        positive("--nodes", nodes);
        positive("--replication-factor", replicationFactor);
        positive("--partitions", partitions);
        positive("--window", window);
        if (warmup != null && warmup < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, not " + warmup);
        }
        if (replicationFactor > nodes) {
            throw new IllegalArgumentException("--replication-factor " + replicationFactor + " needs at least as many --nodes");
        }
        if (eventSize < MIN_EVENT_SIZE) {
            throw new IllegalArgumentException("--event-size must be at least " + MIN_EVENT_SIZE
                    + " bytes (the smallest padded JSON object), not " + eventSize);
        }
        // the nodes' own config, so that a bad --set fails here and oversize events are refused, not dead-lettered
        int maxEventBytes = LocalCluster.nodeConfig(Path.of("."), "localhost:9092", 1, nodes, 0, replicationFactor,
                commitLevel, partitions, extra).maxEventBytes();
        if (eventSize > maxEventBytes) {
            throw new IllegalArgumentException("--event-size " + eventSize + " is over the sidecars' max.event.bytes "
                    + maxEventBytes + ": every put would be rejected (raise it with --set max.event.bytes=N)");
        }
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, not " + value);
        }
    }

    private record Raw(double eventsPerS) {
    }

    private Raw raw(String servers, String topic, byte[] payload) throws Exception {
        createTopic(servers, topic);
        try (KafkaProducer<byte[], byte[]> p = producer(servers)) {
            warmUp(p, topic, payload);
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                p.send(new ProducerRecord<>(topic, payload));
            }
            p.flush();
            return new Raw(events / ((System.nanoTime() - start) / 1e9));
        }
    }

    /** How long a round trip may go without any event coming back before the run is abandoned. */
    private static final Duration STALL = Duration.ofMinutes(2);

    /** A windowed produce-to-consume run: its throughput and latencies. */
    private record Trip(double eventsPerS, Histogram latency) {
    }

    /**
     * Produces {@code n} events to {@code in}, at most {@code --window} in flight, and times each until it is
     * consumed from {@code out} (the same topic for the raw round trip). The key carries the send time.
     */
    private Trip roundTrip(String servers, String in, String out, byte[] payload, int n) throws Exception {
        Recorder recorder = new Recorder(3);
        Semaphore inFlight = new Semaphore(window);
        try (KafkaProducer<byte[], byte[]> p = producer(servers);
             KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", servers),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(out).stream().map(i -> new TopicPartition(out, i.partition())).toList();
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position);
            AtomicLong received = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                while (received.get() < n && !stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                        long sent = bytesToLong(r.key());
                        recorder.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
                        received.incrementAndGet();
                        inFlight.release();
                    }
                }
            }, "bench-round-trip-reader");
            reader.start();
            try {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    awaitPermits(inFlight, 1, out, received, n);
                    p.send(new ProducerRecord<>(in, longToBytes(System.nanoTime()), payload));
                }
                p.flush();
                awaitPermits(inFlight, window, out, received, n);
                return new Trip(n / ((System.nanoTime() - start) / 1e9), recorder.getIntervalHistogram());
            } finally {
                stop.set(true);
                reader.join(); // before the consumer closes: it is not thread-safe
            }
        }
    }

    /** Waits for {@code permits} in-flight slots; a stalled pipeline ends the run with an error instead of a hang. */
    private static void awaitPermits(Semaphore inFlight, int permits, String out, AtomicLong received, int n)
            throws InterruptedException, TimeoutException {
        if (!inFlight.tryAcquire(permits, STALL.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("nothing came back from topic " + out + " for " + STALL.toSeconds() + " s ("
                    + received.get() + " of " + n + " events)");
        }
    }

    /**
     * One pass-through Streams instance per node (in to out, no processing, no state), with the coordinator's
     * own Streams settings, warmed up and then timed like the coordinated puts.
     */
    private Trip streamsFloor(String servers, String prefix, LocalCluster cluster, byte[] payload) throws Exception {
        String in = prefix + "floor-in";
        String out = prefix + "floor-out";
        createTopic(servers, in);
        createTopic(servers, out);
        List<KafkaStreams> instances = new ArrayList<>();
        try {
            for (Sidecar s : cluster.sidecars()) {
                Properties props = CoordinatorTopology.streamsConfig(s.config());
                props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix.replace('.', '-') + "floor");
                props.put(StreamsConfig.CLIENT_ID_CONFIG, prefix.replace('.', '-') + "floor-" + s.nodeId());
                props.put(StreamsConfig.STATE_DIR_CONFIG, s.config().dataDir().resolve("floor").toAbsolutePath().toString());
                ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
                ByteArraySerializer bytesOut = new ByteArraySerializer();
                Topology passThrough = new Topology().addSource("in", bytesIn, bytesIn, in)
                        .addSink("out", out, bytesOut, bytesOut, "in");
                KafkaStreams k = new KafkaStreams(passThrough, props);
                instances.add(k);
                k.start();
            }
            roundTrip(servers, in, out, payload, warmupEvents());
            return roundTrip(servers, in, out, payload, events);
        } finally {
            // all at once and leaving the group: an instance that stays in the group holds the others'
            // closing in a rebalance until its session times out (measured: 15 s per instance)
            CloseOptions leave = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
            instances.forEach(k -> k.close(leave.withTimeout(Duration.ZERO)));
            instances.forEach(k -> k.close(leave.withTimeout(Duration.ofSeconds(30))));
        }
    }

    private int warmupEvents() {
        // the first events pay for metadata, Streams' first commits and the JIT, which in a fresh JVM still
        // compiles broker, Streams and client code for tens of thousands of events (measured: C2 took a
        // quarter of the CPU after a 2,000-event warm-up)
        return warmup != null ? warmup : Math.max(100, Math.min(20_000, events / 4));
    }

    private WindowedPuts.Result coordinated(String servers, Topics topics, byte[] payload) throws Exception {
        try (AllDataClient client = new AllDataClient(Map.of("bootstrap.servers", servers), topics, Duration.ofMinutes(2))) {
            new WindowedPuts(client, window).run(warmupEvents(), i -> payload, (o, e) -> { }, Duration.ofMinutes(30));
            return new WindowedPuts(client, window).run(events, i -> payload, (o, e) -> { }, Duration.ofMinutes(30));
        }
    }

    private void warmUp(KafkaProducer<byte[], byte[]> p, String topic, byte[] payload) {
        for (int i = 0; i < Math.min(10_000, events); i++) {
            p.send(new ProducerRecord<>(topic, payload));
        }
        p.flush();
    }

    private KafkaProducer<byte[], byte[]> producer(String servers) {
        // the same producer settings the client and the sidecars use, so the ceiling is comparable
        return new KafkaProducer<>(Map.of("bootstrap.servers", servers, "acks", "all", "linger.ms", 10),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void createTopic(String servers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        // one acknowledged record per partition before the flood: a new partition answers NOT_LEADER for a
        // moment, and an idempotent producer retrying that with many batches in flight was seen to loop on
        // OUT_OF_ORDER_SEQUENCE_NUMBER for minutes
        try (KafkaProducer<byte[], byte[]> p = producer(servers)) {
            for (int i = 0; i < partitions; i++) {
                p.send(new ProducerRecord<>(topic, i, longToBytes(System.nanoTime()), new byte[0])).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static final String PAD_HEAD = "{\"pad\":\"";
    private static final String PAD_TAIL = "\"}";
    static final int MIN_EVENT_SIZE = PAD_HEAD.length() + PAD_TAIL.length();

    /** A JSON object of exactly {@code size} bytes (at least {@link #MIN_EVENT_SIZE}). */
    static byte[] event(int size) {
        char[] pad = new char[Math.max(0, size - MIN_EVENT_SIZE)];
        Arrays.fill(pad, 'x');
        return (PAD_HEAD + new String(pad) + PAD_TAIL).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : round3(h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static double round(double v) {
        return Math.round(v);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static byte[] longToBytes(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }

    private static long bytesToLong(byte[] b) {
        return java.nio.ByteBuffer.wrap(b).getLong();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
