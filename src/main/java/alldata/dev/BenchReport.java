package alldata.dev;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a {@link Bench} run measured, and its report: one flat map of named numbers, in a fixed order, as
 * {@code alldata bench} prints them (external checks read these names).
 *
 * <p>Every ratio is computed from the rounded numbers the report shows, so that a reader who divides two
 * reported numbers gets the reported ratio (to its own rounding).
 *
 * @param options        what was asked
 * @param rawEventsPerS  raw produce with acks=all, flat out: the ceiling
 * @param rawTrip        the raw produce-to-consume round trip
 * @param floor          the do-nothing Streams hop, or {@code null} when it was not measured
 * @param coordinated    coordinated puts, produced to ingest until their outcome is consumed
 * @param sidecarCpuMicrosPerEvent the sidecars' own threads' CPU per committed put in the coordinated phase (broker,
 *                       load generator, JIT and GC excluded), if known
 */
public record BenchReport(BenchOptions options, double rawEventsPerS, Phase rawTrip, Phase floor, Phase coordinated,
                          OptionalDouble sidecarCpuMicrosPerEvent) {

    /** A report without the sidecars' own CPU. */
    public BenchReport(BenchOptions options, double rawEventsPerS, Phase rawTrip, Phase floor, Phase coordinated) {
        this(options, rawEventsPerS, rawTrip, floor, coordinated, OptionalDouble.empty());
    }

    /**
     * One measured round-trip phase.
     *
     * @param eventsPerS          achieved throughput
     * @param succeeded           events that came back as wanted
     * @param failed              events that did not
     * @param p50Micros           median latency from the intended send time
     * @param p99Micros           99th percentile
     * @param p999Micros          99.9th percentile
     * @param lateSends           open loop: sends held back by the in-flight cap
     * @param cpuMicrosPerEvent   process CPU per succeeded event over the phase, if known
     */
    public record Phase(double eventsPerS, long succeeded, long failed, long p50Micros, long p99Micros, long p999Micros,
                        long lateSends, OptionalDouble cpuMicrosPerEvent) {

        /** The numbers of one load run. */
        public static Phase of(LoadResult r) {
            var h = r.latency();
            boolean any = h.getTotalCount() > 0;
            return new Phase(r.eventsPerS(), r.succeeded(), r.failed(), any ? h.getValueAtPercentile(50) : 0,
                    any ? h.getValueAtPercentile(99) : 0, any ? h.getValueAtPercentile(99.9) : 0, r.lateSends(),
                    r.cpuMicrosPerEvent());
        }
    }

    /** Whether every coordinated put of the measured phase COMMITTED. */
    public boolean allCommitted() {
        return coordinated.failed() == 0 && coordinated.succeeded() == options.events();
    }

    /** The report, in print order; fields that do not apply to this run (floor, rate, CPU) are left out. */
    public Map<String, Object> fields() {
        Map<String, Object> r = new LinkedHashMap<>();
        LoadShape.Open open = options.load() instanceof LoadShape.Open o ? o : null;
        r.put("events", options.events());
        r.put("event_size", options.eventSize());
        r.put("nodes", options.nodes());
        r.put("replication_factor", options.replicationFactor());
        r.put("commit_level", options.commitLevel().name());
        r.put("partitions", options.partitions());
        r.put("window", options.load().window());
        if (open != null) {
            r.put("rate", number(open.ratePerS()));
        }
        r.put("warmup", options.warmup());
        double raw = round0(rawEventsPerS);
        r.put("raw_events_per_s", raw);
        r.put("raw_mb_per_s", round1(rawEventsPerS * options.eventSize() / 1e6));
        r.put("raw_trip_events_per_s", round0(rawTrip.eventsPerS()));
        putLatencyAndCost(r, "raw_", rawTrip, open != null);
        if (floor != null) {
            double floorRate = round0(floor.eventsPerS());
            r.put("floor_events_per_s", floorRate);
            putLatencyAndCost(r, "floor_", floor, open != null);
            putRatio(r, "floor_throughput_ratio", floorRate, raw);
        }
        double rate = round0(coordinated.eventsPerS());
        r.put("events_per_s", rate);
        r.put("committed", coordinated.succeeded());
        r.put("failed", coordinated.failed());
        putLatencyAndCost(r, "", coordinated, open != null);
        sidecarCpuMicrosPerEvent.ifPresent(cpu -> r.put("sidecar_cpu_us_per_event", round3(cpu)));
        putRatio(r, "throughput_ratio", rate, raw);
        putRatio(r, "p99_ratio", (Double) r.get("p99_ms"), (Double) r.get("raw_p99_ms"));
        if (floor != null && r.get("cpu_us_per_event") instanceof Double cpu
                && r.get("floor_cpu_us_per_event") instanceof Double floorCpu) {
            putRatio(r, "cpu_ratio", cpu, floorCpu);
        }
        return Collections.unmodifiableMap(r);
    }

    private static void putLatencyAndCost(Map<String, Object> r, String prefix, Phase p, boolean open) {
        r.put(prefix + "p50_ms", ms(p.p50Micros()));
        r.put(prefix + "p99_ms", ms(p.p99Micros()));
        r.put(prefix + "p999_ms", ms(p.p999Micros()));
        p.cpuMicrosPerEvent().ifPresent(cpu -> r.put(prefix + "cpu_us_per_event", round3(cpu)));
        if (open) {
            r.put(prefix + "late_sends", p.lateSends());
        }
    }

    /** {@code a / b} to three decimals; left out when {@code b} is 0 (nothing to compare with). */
    private static void putRatio(Map<String, Object> r, String key, double a, double b) {
        if (b > 0) {
            r.put(key, round3(a / b));
        }
    }

    static double ms(long micros) {
        return round3(micros / 1000.0);
    }

    /** A whole number without a fraction, so that {@code --rate 5000} reads back as 5000. */
    static Number number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Number) (long) v : (Number) v;
    }

    static double round0(double v) {
        return Math.round(v);
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
