package alldata.cli;

import alldata.protocol.Wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alldata bench} end to end on an embedded broker, in a closed window and in an open loop: every event
 * of the measured phase COMMITTED, the options reach the report, the CPU cost of every phase is there, and the
 * reported ratios are the ratios of the reported numbers. No speed is asserted (the machine is shared); speed
 * is what the command reports.
 */
class BenchCommandIT {

    @Test
    void jsonReportOfAClosedWindowRunWithTheStreamsFloor(@TempDir Path dir) throws Exception {
        JsonNode j = jsonRun("--events", "1500", "--warmup", "300", "--window", "100", "--event-size", "300",
                "--commit-level", "ALL", "--partitions", "3", "--streams-floor", "--json", "--data-dir", dir.toString());
        assertThat(j.get("events").asInt()).isEqualTo(1500);
        assertThat(j.get("event_size").asInt()).isEqualTo(300);
        assertThat(j.get("nodes").asInt()).isEqualTo(3);
        assertThat(j.get("replication_factor").asInt()).isEqualTo(3);
        assertThat(j.get("commit_level").asText()).isEqualTo("ALL");
        assertThat(j.get("partitions").asInt()).isEqualTo(3);
        assertThat(j.get("window").asInt()).isEqualTo(100);
        assertThat(j.get("warmup").asInt()).isEqualTo(300);
        assertThat(j.has("rate")).as("a closed loop offers no rate").isFalse();
        assertThat(j.has("late_sends")).isFalse();
        assertConsistent(j, 1500, 300);

        // --data-dir is kept: the broker's log and every node's store are there
        assertThat(dir.resolve("kafka")).isDirectory();
        try (Stream<Path> nodes = Files.list(dir)) {
            assertThat(nodes.filter(p -> p.getFileName().toString().startsWith("node-")).count()).isEqualTo(3);
        }
    }

    @Test
    void jsonReportOfAnOpenLoopRunWithTheStreamsFloor() throws Exception {
        // no warm-up here and in the table run: what they check does not depend on a warm JIT
        JsonNode j = jsonRun("--events", "1000", "--warmup", "0", "--rate", "500", "--window", "200",
                "--partitions", "3", "--streams-floor", "--json");
        assertThat(j.get("rate").asDouble()).isEqualTo(500);
        assertThat(j.get("window").asInt()).isEqualTo(200);
        assertThat(j.get("commit_level").asText()).isEqualTo("QUORUM");
        assertConsistent(j, 1000, 200);
        // event i is due at i/rate s, and nothing comes back before it is sent: no phase can beat the offered rate
        double mostPerS = 500.0 * 1000 / 999 + 0.5;
        for (String field : List.of("raw_trip_events_per_s", "floor_events_per_s", "events_per_s")) {
            assertThat(j.get(field).asDouble()).as(field).isLessThanOrEqualTo(mostPerS);
        }
        for (String field : List.of("raw_late_sends", "floor_late_sends", "late_sends")) {
            assertThat(j.path(field).isIntegralNumber()).as(field + " in " + j).isTrue();
            assertThat(j.get(field).asLong()).as(field).isBetween(0L, 1000L);
        }
    }

    private static JsonNode jsonRun(String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun r = CliRun.of(all);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).as("stdout is one JSON object").hasSize(1);
        return Wire.json().readTree(lines.get(0));
    }

    /** Every put COMMITTED, every number there and positive, and every ratio the ratio of the reported numbers. */
    private static void assertConsistent(JsonNode j, int events, int eventSize) {
        for (String field : List.of("raw_events_per_s", "raw_mb_per_s", "raw_trip_events_per_s", "raw_p50_ms",
                "raw_p99_ms", "raw_p999_ms", "raw_cpu_us_per_event", "floor_events_per_s", "floor_p50_ms",
                "floor_p99_ms", "floor_p999_ms", "floor_cpu_us_per_event", "floor_throughput_ratio", "events_per_s",
                "p50_ms", "p99_ms", "p999_ms", "cpu_us_per_event", "throughput_ratio", "p99_ratio", "cpu_ratio")) {
            assertThat(j.path(field).isNumber()).as(field + " in " + j).isTrue();
            assertThat(j.get(field).asDouble()).as(field).isPositive();
        }
        assertThat(j.get("committed").asLong()).isEqualTo(events);
        assertThat(j.get("failed").asLong()).isZero();
        for (String phase : List.of("raw_", "floor_", "")) {
            assertThat(j.get(phase + "p50_ms").asDouble()).isLessThanOrEqualTo(j.get(phase + "p99_ms").asDouble());
            assertThat(j.get(phase + "p99_ms").asDouble()).isLessThanOrEqualTo(j.get(phase + "p999_ms").asDouble());
        }
        assertRatio(j, "throughput_ratio", "events_per_s", "raw_events_per_s");
        assertRatio(j, "floor_throughput_ratio", "floor_events_per_s", "raw_events_per_s");
        assertRatio(j, "p99_ratio", "p99_ms", "raw_p99_ms");
        assertRatio(j, "cpu_ratio", "cpu_us_per_event", "floor_cpu_us_per_event");
        // MB/s is rounded to 0.1
        assertThat(j.get("raw_mb_per_s").asDouble()).isCloseTo(j.get("raw_events_per_s").asDouble() * eventSize / 1e6,
                within(0.06));
    }

    /** Ratios are printed to 0.001, of the printed numbers. */
    private static void assertRatio(JsonNode j, String ratio, String a, String b) {
        assertThat(j.get(ratio).asDouble()).as(ratio)
                .isCloseTo(j.get(a).asDouble() / j.get(b).asDouble(), within(0.0005 + 1e-9));
    }

    @Test
    void tableReportOfASingleNodeOnAGivenPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun r = CliRun.of("bench", "--events", "400", "--warmup", "0", "--window", "50", "--nodes", "1",
                "--replication-factor", "1", "--commit-level", "ONE", "--kafka-port", Integer.toString(port));
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, String> table = new java.util.HashMap<>();
        r.out().lines().skip(1).forEach(l -> {
            String[] kv = l.trim().split("\\s+", 2);
            table.put(kv[0], kv[1]);
        });
        assertThat(r.out().lines().findFirst()).hasValueSatisfying(h -> assertThat(h).startsWith("metric"));
        assertThat(table).containsEntry("committed", "400").containsEntry("failed", "0")
                .containsEntry("nodes", "1").containsEntry("commit_level", "ONE")
                .containsKeys("raw_events_per_s", "events_per_s", "p99_ms", "throughput_ratio", "p99_ratio")
                .doesNotContainKey("floor_events_per_s");
        assertThat(r.err()).contains("bench: starting embedded broker and 1 sidecar...");
    }
}
