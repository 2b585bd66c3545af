package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.dev.DataDirLock;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DevCommandTest {
    @Test
    void demoCountsAckedReplicasPerZoneNotPlannedOnes() {
        DevCommand.AckedPerZone tally = new DevCommand.AckedPerZone(Map.of("node-1", "a", "node-2", "b", "node-3", "c"));
        // a QUORUM put at RF 3 planned on all three nodes, committed when node-1 and node-3 had acked
        tally.add(List.of("node-1", "node-3"));
        tally.add(List.of("node-2", "node-1"));
        assertThat(tally).hasToString(" a=2 b=1 c=1");
    }

    @Test
    void zonesWithoutAckedReplicasShowZero() {
        DevCommand.AckedPerZone tally = new DevCommand.AckedPerZone(Map.of("node-1", "a", "node-2", "b"));
        tally.add(List.of("node-1"));
        assertThat(tally).hasToString(" a=1 b=0");
    }

    @Test
    void theToolsAreToldTheNodesAddressAndTheirOwnDefault() {
        assertThat(DevCommand.readThrough("127.0.0.1:8081")).contains("--http 127.0.0.1:8081")
                .contains("./alldata scan --http 127.0.0.1:8081").contains("ask localhost:8080");
    }

    // the Kafka port is taken too: were the directory not checked first, dev would fail on the port instead
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aSecondDevOnTheSameDataDirectoryIsRefusedNamingTheOptionBeforeStartingAnything(@TempDir Path data)
            throws Exception {
        DataDirLock first = DataDirLock.acquire(data, "alldata dev", "--data-dir");
        try (ServerSocket kafkaPort = new ServerSocket(0)) {
            CliRun run = CliRun.of("dev", "--data-dir", data.toString(), "--kafka-port",
                    Integer.toString(kafkaPort.getLocalPort()), "--http-port-base", "0");

            assertThat(run.code()).isNotZero();
            assertThat(run.err().strip()).isEqualTo("error: data directory " + data
                    + " is in use by another alldata dev; choose another with --data-dir");
        } finally {
            first.close();
        }
    }
}
