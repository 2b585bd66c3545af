package alldata.cli;

import alldata.core.CommitLevel;
import alldata.dev.Bench;
import alldata.dev.BenchOptions;
import alldata.dev.BenchReport;
import alldata.dev.LoadShape;
import alldata.dev.LocalCluster;
import alldata.protocol.KafkaReach;
import alldata.protocol.Wire;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alldata bench}: parses and checks the options, runs {@link Bench}, prints its report (a table, or one
 * JSON object). Exit code 1 when a measured put did not commit.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark coordinated puts against raw Kafka puts on the same broker.",
                "The broker is embedded unless --bootstrap names one. Reports throughput,",
                "latency from the intended send time, and process CPU per event of each phase.",
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

    @Option(names = "--window", defaultValue = "1000", description = {
            "Events in flight during the round trips (default ${DEFAULT-VALUE}); with --rate, only a cap on them:",
            "a send that finds the cap reached waits for a slot and counts as a late send."})
    int window;

    @Option(names = "--rate", paramLabel = "N", description = {
            "Open loop: offer N events/s on a fixed schedule (event i due at start + i/N) instead of a closed window;",
            "latency counts from each event's due time."})
    Double rate;

    @Option(names = "--kafka-port", defaultValue = "0", description = "Port of the embedded broker (default: a free one).")
    int kafkaPort;

    @Option(names = "--bootstrap", description = "Use this external Kafka instead of an embedded broker (sidecars still run here).")
    String bootstrap;

    @Option(names = "--data-dir", description = "Where broker and nodes keep data (default: a fresh temp directory).")
    Path dataDir;

    @Option(names = "--warmup", description = "Events per phase in the warm-up pass before the measured phases (default: a quarter of --events, at most 20000).")
    Integer warmup;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A sidecar setting for every node, as in its config file (repeatable), e.g. --set commit.interval.ms=200 --set kafka.linger.ms=5.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--streams-floor", description = {
            "Also measure a do-nothing Kafka Streams hop (one pass-through instance per node, the coordinator's",
            "Streams settings, same load): what the framework costs before AllData does any work."})
    boolean streamsFloor;

    @Option(names = "--trace-hops", description = {
            "Also split the coordinated puts' latency by hop (ingest->command->ack->decided->visible), read from the",
            "topics' record timestamps, with each hop's share of the slowest 1 %; keeps an entry per put in memory."})
    boolean traceHops;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchOptions options = options();
        if (bootstrap != null) {
            // before any sidecar starts: theirs would say to check kafka.bootstrap.servers, which bench sets from --bootstrap
            Map<String, Object> kafka = new LinkedHashMap<>();
            settings.forEach((k, v) -> {
                if (k.startsWith("kafka.")) {
                    kafka.put(k.substring("kafka.".length()), v);
                }
            });
            kafka.put("bootstrap.servers", bootstrap);
            KafkaReach.check(kafka, KafkaReach.DEFAULT_TIMEOUT, new KafkaReach.Hints("bench's",
                    "check --bootstrap, and --set kafka.security.protocol=... if the brokers require SASL or SSL",
                    "check the --set kafka.sasl.* settings"));
        }
        BenchReport report = Bench.run(options, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Wire.json().writeValueAsString(report.fields()));
        } else {
            out.printf("%-24s %s%n", "metric", "value");
            report.fields().forEach((k, v) -> out.printf("%-24s %s%n", k, v));
        }
        out.flush();
        return report.allCommitted() ? 0 : 1;
    }

    /** The run asked for; refuses, before anything starts, a run that could not measure what it says. */
    BenchOptions options() {
        positive("--events", events);
        positive("--nodes", nodes);
        positive("--replication-factor", replicationFactor);
        positive("--partitions", partitions);
        positive("--window", window);
        if (rate != null && !(rate > 0 && rate < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("--rate must be a positive number of events per second, not " + rate);
        }
        if (warmup != null && warmup < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, not " + warmup);
        }
        if (replicationFactor > nodes) {
            throw new IllegalArgumentException("--replication-factor " + replicationFactor + " needs at least as many --nodes");
        }
        if (eventSize < Bench.MIN_EVENT_SIZE) {
            throw new IllegalArgumentException("--event-size must be at least " + Bench.MIN_EVENT_SIZE
                    + " bytes (the smallest padded JSON object), not " + eventSize);
        }
        // the nodes' own config, so that a bad --set fails here and oversize events are refused, not dead-lettered
        int maxEventBytes = LocalCluster.nodeConfig(Path.of("."), "localhost:9092", 1, nodes, 0, replicationFactor,
                commitLevel, partitions, settings).maxEventBytes();
        if (eventSize > maxEventBytes) {
            throw new IllegalArgumentException("--event-size " + eventSize + " is over the sidecars' max.event.bytes "
                    + maxEventBytes + ": every put would be rejected (raise it with --set max.event.bytes=N)");
        }
        LoadShape load = rate == null ? LoadShape.closed(window) : LoadShape.open(rate, window);
        return new BenchOptions(events, eventSize, nodes, replicationFactor, commitLevel, partitions, load,
                warmup != null ? warmup : BenchOptions.defaultWarmup(events), kafkaPort, bootstrap, dataDir, settings,
                streamsFloor, traceHops);
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, not " + value);
        }
    }
}
