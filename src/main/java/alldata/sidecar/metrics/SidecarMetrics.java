package alldata.sidecar.metrics;

import alldata.core.CommitLevel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** One sidecar's metrics, exposed as Prometheus text on {@code GET /metrics}. */
public final class SidecarMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<CommitLevel, Counter> committed = new EnumMap<>(CommitLevel.class);
    private final Map<CommitLevel, Counter> failed = new EnumMap<>(CommitLevel.class);
    private final Counter rejected;
    private final Counter replaced;
    private final Counter conflicts;
    private final Counter replicaWrites;
    private final Counter malformedCommands;
    private final Counter coordinatorThreadDeaths;
    private final Timer commitLatency;
    private final Timer ingestLag;
    private final Timer ackLag;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong heldPartitions = new AtomicLong();

    public SidecarMetrics(String nodeId) {
        registry.config().commonTags("node", nodeId);
        for (CommitLevel level : CommitLevel.values()) {
            committed.put(level, Counter.builder("alldata.puts.committed").tag("level", level.name())
                    .description("Puts that met their commit level").register(registry));
            failed.put(level, Counter.builder("alldata.puts.failed").tag("level", level.name())
                    .description("Puts that could not meet their commit level").register(registry));
        }
        rejected = Counter.builder("alldata.puts.rejected")
                .description("Ingest records rejected as bad input (dead-lettered)").register(registry);
        replaced = Counter.builder("alldata.replicas.replaced")
                .description("Replicas re-placed on a spare after a failure or timeout").register(registry);
        conflicts = Counter.builder("alldata.replicas.conflicts")
                .description("Writes refused because a different event is stored under the key").register(registry);
        replicaWrites = Counter.builder("alldata.replica.writes")
                .description("Replicas this node stored for any coordinator").register(registry);
        malformedCommands = Counter.builder("alldata.commands.malformed")
                .description("Command records that could not be decoded and were skipped").register(registry);
        coordinatorThreadDeaths = Counter.builder("alldata.coordinator.thread.deaths")
                .description("Coordinator (Kafka Streams) threads that died and were replaced").register(registry);
        commitLatency = Timer.builder("alldata.commit.latency")
                .description("Time from the coordinator reading an event to its commit level being met")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        ingestLag = Timer.builder("alldata.ingest.lag")
                .description("Age of an ingest record (from its timestamp) when the coordinator reads it").register(registry);
        ackLag = Timer.builder("alldata.ack.lag")
                .description("Age of an ack record when the coordinator reads it").register(registry);
        Gauge.builder("alldata.puts.pending", pending, AtomicLong::get)
                .description("Puts in flight on this node's coordinator tasks").register(registry);
        Gauge.builder("alldata.ingest.partitions.held", heldPartitions, AtomicLong::get)
                .description("Ingest partitions paused because their puts in flight reached max.pending.puts/bytes")
                .register(registry);
    }

    public void committed(CommitLevel level, long latencyMs) {
        committed.get(level).increment();
        commitLatency.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
    }

    public void failed(CommitLevel level) {
        failed.get(level).increment();
    }

    public void ingestLag(long ms) {
        ingestLag.record(Math.max(0, ms), TimeUnit.MILLISECONDS);
    }

    public void ackLag(long ms) {
        ackLag.record(Math.max(0, ms), TimeUnit.MILLISECONDS);
    }

    /** Mean ingest and ack lag in ms, and mean commit latency, for the benchmark's report. */
    public double[] meanLagsMs() {
        return new double[] {ingestLag.mean(TimeUnit.MILLISECONDS), ackLag.mean(TimeUnit.MILLISECONDS),
                commitLatency.mean(TimeUnit.MILLISECONDS)};
    }

    public void rejected() {
        rejected.increment();
    }

    public void replaced() {
        replaced.increment();
    }

    public void conflict() {
        conflicts.increment();
    }

    public void replicaWrites(int n) {
        replicaWrites.increment(n);
    }

    public void malformedCommand() {
        malformedCommands.increment();
    }

    public void coordinatorThreadDied() {
        coordinatorThreadDeaths.increment();
    }

    /** The coordinator holds (true) or releases (false) an ingest partition for back-pressure. */
    public void backpressure(boolean held) {
        heldPartitions.addAndGet(held ? 1 : -1);
    }

    /** Puts in flight on this node's coordinator tasks (the gauge {@code alldata_puts_pending}). */
    public long pendingPuts() {
        return pending.get();
    }

    public void pendingDelta(long delta) {
        pending.addAndGet(delta);
    }

    /** Registers the store size gauges. */
    public void storeSize(Supplier<Number> bytes, Supplier<Number> events) {
        Gauge.builder("alldata.store.size.bytes", bytes).description("Approximate bytes of stored events")
                .register(registry);
        Gauge.builder("alldata.store.events", events).description("Approximate number of stored events")
                .register(registry);
    }

    public double committedCount() {
        return committed.values().stream().mapToDouble(Counter::count).sum();
    }

    public double failedCount() {
        return failed.values().stream().mapToDouble(Counter::count).sum();
    }

    public double replacedCount() {
        return replaced.count();
    }

    public double conflictCount() {
        return conflicts.count();
    }

    public double coordinatorThreadDeathCount() {
        return coordinatorThreadDeaths.count();
    }

    public double malformedCommandCount() {
        return malformedCommands.count();
    }

    /** The registry, for {@link MeterBindings}. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
