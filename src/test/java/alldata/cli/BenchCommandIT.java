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
 * {@code alldata bench} end to end on an embedded broker: every event of the measured phase COMMITTED,
 * the options reach the run, and the reported ratios are the ratios of the reported numbers. No speed is
 * asserted (the machine is shared); speed is what the command reports.
 */
class BenchCommandIT {

    @Test
    void jsonReportOfACoordinatedRunWithTheStreamsFloor(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("bench", "--events", "1500", "--warmup", "300", "--window", "100", "--event-size", "300",
                "--commit-level", "ALL", "--partitions", "3", "--streams-floor", "--json", "--data-dir", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).as("stdout is one JSON object").hasSize(1);
        JsonNode j = Wire.json().readTree(lines.get(0));

        for (String field : List.of("raw_events_per_s", "raw_mb_per_s", "raw_p50_ms", "raw_p99_ms", "events_per_s",
                "p50_ms", "p99_ms", "p999_ms", "throughput_ratio", "p99_ratio", "floor_events_per_s", "floor_p50_ms",
                "floor_p99_ms", "floor_throughput_ratio")) {
            assertThat(j.path(field).isNumber()).as(field + " in " + j).isTrue();
            assertThat(j.get(field).asDouble()).as(field).isPositive();
        }
        assertThat(j.get("events").asInt()).isEqualTo(1500);
        assertThat(j.get("event_size").asInt()).isEqualTo(300);
        assertThat(j.get("nodes").asInt()).isEqualTo(3);
        assertThat(j.get("replication_factor").asInt()).isEqualTo(3);
        assertThat(j.get("commit_level").asText()).isEqualTo("ALL");
        assertThat(j.get("partitions").asInt()).isEqualTo(3);
        assertThat(j.get("committed").asLong()).isEqualTo(1500);
        assertThat(j.get("failed").asLong()).isZero();

        assertThat(j.get("p50_ms").asDouble()).isLessThanOrEqualTo(j.get("p99_ms").asDouble());
        assertThat(j.get("p99_ms").asDouble()).isLessThanOrEqualTo(j.get("p999_ms").asDouble());
        assertThat(j.get("raw_p50_ms").asDouble()).isLessThanOrEqualTo(j.get("raw_p99_ms").asDouble());
        double raw = j.get("raw_events_per_s").asDouble();
        // the printed numbers are rounded (events/s to 1, MB/s to 0.1, ratios to 0.001)
        assertThat(j.get("throughput_ratio").asDouble())
                .isCloseTo(j.get("events_per_s").asDouble() / raw, within(0.002));
        assertThat(j.get("floor_throughput_ratio").asDouble())
                .isCloseTo(j.get("floor_events_per_s").asDouble() / raw, within(0.002));
        assertThat(j.get("p99_ratio").asDouble())
                .isCloseTo(j.get("p99_ms").asDouble() / j.get("raw_p99_ms").asDouble(), within(0.01));
        assertThat(j.get("raw_mb_per_s").asDouble()).isCloseTo(raw * 300 / 1e6, within(0.06));

        // --data-dir is kept: the broker's log and every node's store are there
        assertThat(dir.resolve("kafka")).isDirectory();
        try (Stream<Path> nodes = Files.list(dir)) {
            assertThat(nodes.filter(p -> p.getFileName().toString().startsWith("node-")).count()).isEqualTo(3);
        }
    }

    @Test
    void tableReportOfASingleNodeOnAGivenPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun r = CliRun.of("bench", "--events", "400", "--warmup", "100", "--window", "50", "--nodes", "1",
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
