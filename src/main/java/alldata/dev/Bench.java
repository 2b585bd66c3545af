package alldata.dev;

import alldata.client.AllDataClient;
import alldata.protocol.ClientDefaults;
import alldata.protocol.Topics;
import alldata.sidecar.Sidecar;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code alldata bench}: in one JVM, on one broker, the ceiling (raw Kafka produce with acks=all, and a
 * produce-to-consume round trip), optionally a do-nothing Kafka Streams hop (the floor), and the system
 * (coordinated puts produced to ingest until their outcome is consumed), each round trip with the same
 * {@link LoadShape}, its latencies and the process CPU it cost.
 *
 * <p>Order: a warm-up pass of every phase that will be measured (so that the JIT has compiled broker, Streams
 * and client code before any phase is timed), then the measured phases. The floor's instances run only
 * during the floor's own warm-up and measured run, so that no other phase pays for them.
 */
public final class Bench {
    /** How long a round trip may go without any event coming back before the run is abandoned. */
    static final Duration STALL = Duration.ofMinutes(2);

    private static final String PAD_HEAD = "{\"pad\":\"";
    private static final String PAD_TAIL = "\"}";
    /** The smallest event the bench can send: an empty padded JSON object. */
    public static final int MIN_EVENT_SIZE = PAD_HEAD.length() + PAD_TAIL.length();

    private final BenchOptions options;
    private final PrintWriter log;
    private final byte[] payload;

    private Bench(BenchOptions options, PrintWriter log) {
        this.options = options;
        this.log = log;
        this.payload = event(options.eventSize());
    }

    /**
     * Runs the bench: starts a local cluster (on an embedded broker unless {@link BenchOptions#bootstrap()}),
     * measures, stops the cluster.
     *
     * @param log where progress lines go (the command's stderr)
     */
    public static BenchReport run(BenchOptions options, PrintWriter log) throws Exception {
        return new Bench(options, log).run();
    }

    private BenchReport run() throws Exception {
        String prefix = "bench" + Long.toHexString(System.nanoTime() & 0xffffff) + ".";
        Map<String, String> extra = new HashMap<>(options.settings());
        extra.put("topic.prefix", prefix);
        int nodes = options.nodes();
        say("starting " + (options.bootstrap() == null ? "embedded broker and " : "") + nodes
                + (nodes == 1 ? " sidecar..." : " sidecars..."));
        if (CpuClock.processCpuNanos() < 0) {
            say("this JVM does not report process CPU time: the *cpu_us_per_event fields are left out");
        }
        try (ScratchDir dir = ScratchDir.of(options.dataDir(), "alldata-bench");
             LocalCluster cluster = options.bootstrap() == null
                ? LocalCluster.start(dir.path(), options.kafkaPort(), nodes, 0, options.replicationFactor(), options.commitLevel(),
                options.partitions(), extra)
                : LocalCluster.startOn(options.bootstrap(), dir.path(), nodes, 0, options.replicationFactor(),
                options.commitLevel(), options.partitions(), extra)) {
            String servers = cluster.bootstrapServers();
            Topics topics = new Topics(prefix);
            String rawTopic = prefix + "raw";
            String tripTopic = prefix + "roundtrip";
            createTopic(servers, rawTopic, options.partitions());
            createTopic(servers, tripTopic, options.partitions());
            RoundTrip trips = new RoundTrip(servers, options.load(), STALL);
            int warmup = options.warmup();
            if (warmup > 0) {
                say("warm-up: " + warmup + " events of each phase, " + shape() + "...");
                rawProduce(servers, rawTopic, warmup);
                trips.run(tripTopic, tripTopic, payload, warmup);
                coordinated(servers, topics, warmup);
                warmUntilCompiled(() -> {
                    trips.run(tripTopic, tripTopic, payload, warmup);
                    coordinated(servers, topics, warmup);
                });
            }
            BenchReport.Phase floor = null;
            if (options.streamsFloor()) {
                say("do-nothing Streams hop, " + nodes + " instances, " + shape() + "...");
                try (StreamsFloor f = StreamsFloor.start(cluster, prefix, options.partitions())) {
                    if (warmup > 0) {
                        trips.run(f.in(), f.out(), payload, warmup);
                    }
                    settle();
                    ThreadCpu cpu = ThreadCpu.start();
                    BrokerRequests requests = BrokerRequests.start();
                    long jit = Jit.compileMillis();
                    floor = BenchReport.Phase.of(trips.run(f.in(), f.out(), payload, options.events()));
                    say("floor CPU by thread (JIT compiled " + (Jit.compileMillis() - jit) + " ms meanwhile):\n"
                            + cpu.report(options.events()));
                    say("floor broker requests:\n" + requests.report(options.events()));
                }
            }
            say("raw produce (acks=all) of " + options.events() + " events...");
            settle();
            double raw = rawProduce(servers, rawTopic, options.events());
            say("raw produce->consume round trip, " + shape() + "...");
            settle();
            BenchReport.Phase rawTrip = BenchReport.Phase.of(trips.run(tripTopic, tripTopic, payload, options.events()));
            say("coordinated puts, " + shape() + "...");
            settle();
            ThreadCpu cpu = ThreadCpu.start();
            BrokerRequests requests = BrokerRequests.start();
            long jit = Jit.compileMillis();
            HopTrace hops = options.traceHops() ? HopTrace.start(servers, topics,
                    cluster.sidecars().stream().map(Sidecar::nodeId).toList()) : null;
            BenchReport.Phase system = BenchReport.Phase.of(coordinated(servers, topics, options.events()));
            if (hops != null) {
                try (hops) {
                    say(hops.report(system.succeeded() + system.failed(), Duration.ofSeconds(30)));
                }
            }
            long sidecarNanos = cpu.sidecarNanos();
            say("coordinated CPU by thread (JIT compiled " + (Jit.compileMillis() - jit) + " ms meanwhile):\n"
                    + cpu.report(options.events()));
            say("coordinated broker requests:\n" + requests.report(options.events()));
            for (Sidecar s : cluster.sidecars()) {
                double[] lag = s.metrics().meanLagsMs();
                log.printf("bench: %s mean ingest lag %.1f ms, ack lag %.1f ms, commit latency %.1f ms%n", s.nodeId(),
                        lag[0], lag[1], lag[2]);
            }
            OptionalDouble sidecarCpu = system.succeeded() > 0 && sidecarNanos > 0
                    ? OptionalDouble.of(sidecarNanos / 1e3 / system.succeeded()) : OptionalDouble.empty();
            return new BenchReport(options, raw, rawTrip, floor, system, sidecarCpu);
        }
    }

    /** A warm-up round. */
    private interface Round {
        void run() throws Exception;
    }

    /** Most extra warm-up rounds; the JIT usually settles within a few. */
    static final int MAX_EXTRA_WARMUP_ROUNDS = 8;
    /** Warm means the JIT compiled for less than this share of a round's wall time. */
    static final double SETTLED_JIT_SHARE = 0.10;

    /**
     * Repeats warm-up rounds until the JIT settles: one JVM holds a broker, the sidecars and the load, and
     * C2 was seen compiling for a whole core through minutes of a run, which every measured phase would pay.
     */
    private void warmUntilCompiled(Round round) throws Exception {
        for (int i = 0; i < MAX_EXTRA_WARMUP_ROUNDS; i++) {
            long jit0 = Jit.compileMillis();
            long t0 = System.nanoTime();
            round.run();
            double share = (Jit.compileMillis() - jit0) / ((System.nanoTime() - t0) / 1e6);
            say(String.format("warm-up round %d: the JIT compiled %.0f%% of the time", i + 1, share * 100));
            if (share < SETTLED_JIT_SHARE) {
                return;
            }
        }
        say("the JIT had not settled after " + MAX_EXTRA_WARMUP_ROUNDS + " extra rounds; measuring anyway");
    }

    private void say(String line) {
        log.println("bench: " + line);
        log.flush();
    }

    private String shape() {
        return options.load() instanceof LoadShape.Open open
                ? "open loop at " + BenchReport.number(open.ratePerS()) + " events/s, at most " + open.window() + " in flight"
                : "window " + options.load().window();
    }

    /**
     * Collects the garbage of what ran before, so that a measured phase's time and CPU are spent on its own
     * work and its own garbage (a no-op where explicit GC is disabled).
     */
    private static void settle() {
        System.gc();
    }

    /** Produces {@code n} events flat out with acks=all; returns events per second. */
    private double rawProduce(String servers, String topic, int n) {
        try (KafkaProducer<byte[], byte[]> p = producer(servers)) {
            p.partitionsFor(topic); // metadata before the clock starts
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(topic, payload));
            }
            p.flush();
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private LoadResult coordinated(String servers, Topics topics, int n) throws Exception {
        try (AllDataClient client = new AllDataClient(Map.of("bootstrap.servers", servers), topics, STALL)) {
            return new WindowedPuts(client, options.load()).run(n, i -> payload, (o, e) -> { }, STALL);
        }
    }

    /** A producer with the settings the client and the sidecars use, so that the ceiling is comparable. */
    static KafkaProducer<byte[], byte[]> producer(String servers) {
        return new KafkaProducer<>(ClientDefaults.producer(Map.of("bootstrap.servers", servers)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Creates {@code topic} (replication factor 1) and waits until every partition takes writes. */
    static void createTopic(String servers, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        // one acknowledged record per partition before the flood: a new partition answers NOT_LEADER for a
        // moment, and an idempotent producer retrying that with many batches in flight was seen to loop on
        // OUT_OF_ORDER_SEQUENCE_NUMBER for minutes
        try (KafkaProducer<byte[], byte[]> p = producer(servers)) {
            for (int i = 0; i < partitions; i++) {
                p.send(new ProducerRecord<>(topic, i, RoundTrip.longToBytes(System.nanoTime()), new byte[0]))
                        .get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** A JSON object of exactly {@code size} bytes (at least {@link #MIN_EVENT_SIZE}). */
    public static byte[] event(int size) {
        char[] pad = new char[Math.max(0, size - MIN_EVENT_SIZE)];
        Arrays.fill(pad, 'x');
        return (PAD_HEAD + new String(pad) + PAD_TAIL).getBytes(StandardCharsets.US_ASCII);
    }
}
