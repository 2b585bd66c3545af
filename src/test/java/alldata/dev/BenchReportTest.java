package alldata.dev;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.CommitLevel;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The report: its names and order (external checks read them), what it leaves out, and its rounding. */
class BenchReportTest {

    private static BenchOptions options(LoadShape load, boolean floor) {
        return new BenchOptions(1000, 200, 3, 3, CommitLevel.QUORUM, 6, load, 250, 0, null, null, Map.of(), floor, false);
    }

    private static BenchReport.Phase phase(double eventsPerS, long p50, long p99, long p999, double cpu) {
        return new BenchReport.Phase(eventsPerS, 1000, 0, p50, p99, p999, 7, OptionalDouble.of(cpu));
    }

    @Test
    void theSidecarsOwnCpuIsReportedBesideTheWholeProcesses() {
        BenchReport r = new BenchReport(options(LoadShape.closed(100), false), 80_000, phase(40_000, 1_000, 4_000, 9_000, 30),
                null, phase(5_000, 30_000, 700_000, 900_000, 240), OptionalDouble.of(101.23456));
        List<String> keys = List.copyOf(r.fields().keySet());
        assertThat(keys).containsSubsequence("cpu_us_per_event", "sidecar_cpu_us_per_event", "throughput_ratio");
        assertThat(r.fields()).containsEntry("sidecar_cpu_us_per_event", 101.235);
    }

    @Test
    void sidecarThreadsAreTheSidecarsOwnNotTheBrokersOrTheLoadGenerators() {
        assertThat(List.of("bench1f.alldata-coordinator-node-1-StreamThread-1",
                "kafka-producer-network-thread | bench1f.alldata-coordinator-node-2-StreamThread-1-producer",
                "alldata-store-replicas", "alldata-replica-writer-node-3", "alldata-repair-node-1",
                "kafka-producer-network-thread | alldata-sidecar-node-1"))
                .allMatch(ThreadCpu::isSidecar);
        assertThat(List.of("data-plane-kafka-request-handler-0", "group-coordinator-event-processor-1",
                "kafka-producer-network-thread | producer-7", "alldata-client-results", "alldata-client-timer",
                "TxnMarkerSenderThread-1", "main"))
                .noneMatch(ThreadCpu::isSidecar);
    }

    @Test
    void aClosedRunWithTheFloorReportsEveryFieldInOrder() {
        BenchReport r = new BenchReport(options(LoadShape.closed(100), true), 80_000.4,
                phase(40_000, 1_000, 4_000, 9_000, 30), phase(20_000, 2_000, 90_000, 120_000, 60),
                phase(5_000, 30_000, 700_000, 900_000, 240));
        assertThat(List.copyOf(r.fields().keySet())).containsExactly("events", "event_size", "nodes", "replication_factor",
                "commit_level", "partitions", "window", "warmup",
                "raw_events_per_s", "raw_mb_per_s", "raw_trip_events_per_s", "raw_p50_ms", "raw_p99_ms", "raw_p999_ms",
                "raw_cpu_us_per_event",
                "floor_events_per_s", "floor_p50_ms", "floor_p99_ms", "floor_p999_ms", "floor_cpu_us_per_event",
                "floor_throughput_ratio",
                "events_per_s", "committed", "failed", "p50_ms", "p99_ms", "p999_ms", "cpu_us_per_event",
                "throughput_ratio", "p99_ratio", "cpu_ratio");
        Map<String, Object> f = r.fields();
        assertThat(f).containsEntry("window", 100).containsEntry("commit_level", "QUORUM").containsEntry("warmup", 250)
                .containsEntry("raw_events_per_s", 80_000.0).containsEntry("raw_mb_per_s", 16.0)
                .containsEntry("raw_p99_ms", 4.0).containsEntry("floor_p999_ms", 120.0).containsEntry("p50_ms", 30.0)
                .containsEntry("cpu_us_per_event", 240.0).containsEntry("committed", 1000L)
                .containsEntry("throughput_ratio", 0.063).containsEntry("floor_throughput_ratio", 0.25)
                .containsEntry("p99_ratio", 175.0).containsEntry("cpu_ratio", 4.0);
        assertThat(r.allCommitted()).isTrue();
    }

    @Test
    void anOpenRunReportsTheOfferedRateAndTheLateSendsOfEveryPhase() {
        BenchReport r = new BenchReport(options(LoadShape.open(5000, 100), false), 80_000,
                phase(4_990, 1_000, 4_000, 9_000, 30), null, phase(4_900, 30_000, 700_000, 900_000, 240));
        assertThat(r.fields()).containsEntry("rate", 5000L).containsEntry("raw_late_sends", 7L)
                .containsEntry("late_sends", 7L).doesNotContainKeys("floor_events_per_s", "floor_late_sends", "cpu_ratio");
        assertThat(new BenchReport(options(LoadShape.open(2.5, 100), false), 80_000,
                phase(2.5, 1, 1, 1, 1), null, phase(2.5, 1, 1, 1, 1)).fields()).containsEntry("rate", 2.5);
    }

    @Test
    void aClosedRunHasNoRateAndNoLateSends() {
        BenchReport r = new BenchReport(options(LoadShape.closed(100), false), 80_000,
                phase(40_000, 1_000, 4_000, 9_000, 30), null, phase(5_000, 30_000, 700_000, 900_000, 240));
        assertThat(r.fields()).doesNotContainKeys("rate", "raw_late_sends", "late_sends", "cpu_ratio", "floor_cpu_us_per_event");
    }

    @Test
    void withoutProcessCpuTimeTheCpuFieldsAreLeftOut() {
        BenchReport.Phase noCpu = new BenchReport.Phase(1000, 1000, 0, 1, 2, 3, 0, OptionalDouble.empty());
        BenchReport r = new BenchReport(options(LoadShape.closed(100), true), 80_000, noCpu, noCpu, noCpu);
        assertThat(r.fields()).doesNotContainKeys("raw_cpu_us_per_event", "floor_cpu_us_per_event", "cpu_us_per_event",
                "cpu_ratio").containsKey("p99_ratio");
    }

    @Test
    void aFailedOrMissingPutIsNotAllCommitted() {
        BenchReport.Phase oneFailed = new BenchReport.Phase(1000, 999, 1, 1, 2, 3, 0, OptionalDouble.empty());
        BenchReport.Phase oneMissing = new BenchReport.Phase(1000, 999, 0, 1, 2, 3, 0, OptionalDouble.empty());
        assertThat(new BenchReport(options(LoadShape.closed(1), false), 1, oneFailed, null, oneFailed).allCommitted()).isFalse();
        assertThat(new BenchReport(options(LoadShape.closed(1), false), 1, oneMissing, null, oneMissing).allCommitted()).isFalse();
    }

    @Test
    void aPhaseOfALoadRunTakesItsPercentilesInMicroseconds() {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        for (int v = 1; v <= 1000; v++) {
            h.recordValue(v * 100L);
        }
        BenchReport.Phase p = BenchReport.Phase.of(new LoadResult(1000, 1000, 0, 2.0, h, 3, 50_000_000));
        assertThat(p.eventsPerS()).isEqualTo(500);
        assertThat(p.p50Micros()).isBetween(49_950L, 50_050L);
        assertThat(p.p999Micros()).isBetween(99_850L, 99_950L);
        assertThat(p.lateSends()).isEqualTo(3);
        assertThat(p.cpuMicrosPerEvent()).hasValue(50.0);
        BenchReport.Phase empty = BenchReport.Phase.of(new LoadResult(0, 0, 0, 1.0, new org.HdrHistogram.Histogram(3), 0, 5));
        assertThat(empty.p99Micros()).isZero();
        assertThat(empty.cpuMicrosPerEvent()).isEmpty();
    }

    @Provide
    Arbitrary<BenchReport.Phase> phases() {
        return Combinators.combine(Arbitraries.doubles().between(1, 500_000), Arbitraries.longs().between(1, 10_000_000),
                        Arbitraries.doubles().between(0.5, 5_000))
                .as((rate, p99, cpu) -> new BenchReport.Phase(rate, 1000, 0, p99 / 2, p99, p99 * 2, 0, OptionalDouble.of(cpu)));
    }

    @Property
    void everyReportedRatioIsTheRatioOfTheReportedNumbers(@ForAll @DoubleRange(min = 1, max = 1_000_000) double raw,
                                                          @ForAll("phases") BenchReport.Phase rawTrip,
                                                          @ForAll("phases") BenchReport.Phase floor,
                                                          @ForAll("phases") BenchReport.Phase coordinated) {
        Map<String, Object> f = new BenchReport(options(LoadShape.closed(100), true), raw, rawTrip, floor, coordinated).fields();
        assertRatio(f, "throughput_ratio", "events_per_s", "raw_events_per_s");
        assertRatio(f, "floor_throughput_ratio", "floor_events_per_s", "raw_events_per_s");
        assertRatio(f, "p99_ratio", "p99_ms", "raw_p99_ms");
        assertRatio(f, "cpu_ratio", "cpu_us_per_event", "floor_cpu_us_per_event");
    }

    private static void assertRatio(Map<String, Object> f, String ratio, String a, String b) {
        double expected = Math.round((double) f.get(a) / (double) f.get(b) * 1000) / 1000.0;
        assertThat(f.get(ratio)).as(ratio).isEqualTo(expected);
    }

    @Property
    void roundingKeepsThreeDecimals(@ForAll @DoubleRange(min = -1e6, max = 1e6) double v) {
        assertThat(Math.abs(BenchReport.round3(v) - v)).isLessThanOrEqualTo(0.0005 + 1e-6);
        assertThat(Math.abs(BenchReport.round1(v) - v)).isLessThanOrEqualTo(0.05 + 1e-6);
        assertThat(BenchReport.ms(1234)).isEqualTo(1.234);
    }
}
