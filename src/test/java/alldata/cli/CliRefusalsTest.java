package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.protocol.MemberRecord;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings and arguments the CLI refuses up front, with one line saying what to change, before it starts
 * a broker, a cluster or a round trip that could only fail later.
 */
class CliRefusalsTest {
    @TempDir
    Path dir;

    /** A port that something listens on for the duration of the test. */
    private static ServerSocket takenPort() throws Exception {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    private static void assertOneLineError(CliRun r) {
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void devRefusesAReplicationFactorAboveTheNodeCount() {
        CliRun r = CliRun.of("dev", "--replication-factor", "5", "--nodes", "3", "--kafka-port", "0",
                "--http-port-base", "0", "--data-dir", dir.toString(), "--demo", "1", "--exit-after-demo");
        assertThat(r.code()).isEqualTo(2);
        assertOneLineError(r);
        assertThat(r.err()).contains("--replication-factor 5").contains("--nodes is 3");
        assertThat(dir).isEmptyDirectory(); // nothing was started
    }

    @Test
    void devOnATakenKafkaPortSaysWhichOptionToChange() throws Exception {
        try (ServerSocket taken = takenPort()) {
            CliRun r = CliRun.of("dev", "--kafka-port", Integer.toString(taken.getLocalPort()), "--http-port-base", "0",
                    "--data-dir", dir.toString(), "--exit-after-demo");
            assertThat(r.code()).isEqualTo(1);
            assertOneLineError(r);
            assertThat(r.err()).contains("port " + taken.getLocalPort()).contains("--kafka-port");
        }
    }

    @Test
    void devOnATakenHttpPortSaysWhichOptionToChange() throws Exception {
        try (ServerSocket taken = takenPort()) {
            int base = taken.getLocalPort() - 2; // node-2's port is taken
            CliRun r = CliRun.of("dev", "--kafka-port", "0", "--http-port-base", Integer.toString(base), "--nodes", "3",
                    "--data-dir", dir.toString(), "--exit-after-demo");
            assertThat(r.code()).isEqualTo(1);
            assertOneLineError(r);
            assertThat(r.err()).contains("port " + taken.getLocalPort()).contains("node-2").contains("--http-port-base");
        }
    }

    @Test
    void brokerOnATakenPortSaysWhichOptionToChange() throws Exception {
        try (ServerSocket taken = takenPort()) {
            CliRun r = CliRun.of("broker", "--port", Integer.toString(taken.getLocalPort()), "--data-dir", dir.toString());
            assertThat(r.code()).isEqualTo(1);
            assertOneLineError(r);
            assertThat(r.err()).contains("port " + taken.getLocalPort()).contains("--port");
        }
    }

    @Test
    void putRefusesAnUnknownCommitLevelBeforeSendingAnything() throws Exception {
        Path events = Files.writeString(dir.resolve("events.jsonl"), "{\"a\":1}\n");
        CliRun r = CliRun.of("put", "--commit-level", "TWO", "--bootstrap", "localhost:1", "--timeout", "2s",
                "--file", events.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("TWO").contains("ONE, QUORUM, ALL");
    }

    @Test
    void putAcceptsCommitLevelsInAnyCase() {
        // parsing only: --help stops before any Kafka client is made
        assertThat(CliRun.of("put", "--commit-level", "quorum", "--help").code()).isZero();
    }

    @Test
    void scanRefusesFromAfterTo() {
        CliRun r = CliRun.of("scan", "--from", "20261126", "--to", "20261125", "--http", "localhost:1");
        assertThat(r.code()).isEqualTo(2);
        assertOneLineError(r);
        assertThat(r.err()).contains("--from 20261126 is after --to 20261125");
    }

    @Test
    void exportRefusesAReversedRangeAnOpenRangeAndAnUnknownFormatBeforeReadingAnything() {
        Path out = dir.resolve("out");
        CliRun reversed = CliRun.of("export", "--from", "20261126", "--to", "20261125", "--out", out.toString(),
                "--http", "localhost:1");
        assertThat(reversed.code()).isEqualTo(2);
        assertOneLineError(reversed);
        assertThat(reversed.err()).contains("is after --to");
        String soon = java.time.Instant.now().plusSeconds(3600).toString();
        CliRun open = CliRun.of("export", "--from", "20261125", "--to", soon, "--out", out.toString(), "--http", "localhost:1");
        assertThat(open.code()).isEqualTo(2);
        assertOneLineError(open);
        assertThat(open.err()).contains("--allow-open");
        CliRun format = CliRun.of("export", "--from", "20261125", "--to", "20261126", "--format", "parquet",
                "--out", out.toString(), "--http", "localhost:1");
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).contains("--format parquet is not supported");
        CliRun time = CliRun.of("export", "--from", "yesterday", "--to", "20261126", "--out", out.toString());
        assertThat(time.code()).isEqualTo(2);
        assertThat(time.err()).contains("'yesterday' is not a time");
        assertThat(out).doesNotExist();
    }

    @Test
    void unknownPeerErrorNamesTheKnownPeers() {
        List<MemberRecord> members = List.of(
                new MemberRecord("node-2", "b", "local", "alldata.node.node-2.commands", "127.0.0.1:8082",
                        MemberRecord.State.UP, 1L),
                new MemberRecord("node-1", "a", "local", "alldata.node.node-1.commands", "127.0.0.1:8081",
                        MemberRecord.State.LEAVING, 1L));
        assertThat(PeersCommand.unknownPeer("node-9", members))
                .isEqualTo("unknown peer 'node-9': the known peers are node-1, node-2");
        assertThat(PeersCommand.unknownPeer("node-9", List.of()))
                .isEqualTo("unknown peer 'node-9': the membership topic has no members");
    }
}
