package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.AllDataKey;
import alldata.protocol.MemberRecord;
import alldata.sidecar.http.Health;
import alldata.sidecar.http.HttpApi;
import alldata.sidecar.http.HttpOptions;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alldata get}, {@code scan} and {@code export} against a node's HTTP API (one node, real store). */
class HttpReadCommandsTest {
    @TempDir
    Path dir;
    private RocksReplicaStore store;
    private HttpApi api;

    private static String key(int i) {
        return AllDataKey.ingest(1_790_000_000_000L + i * 1000L, 0, i).value();
    }

    @BeforeEach
    void start() throws Exception {
        store = RocksReplicaStore.open(dir.resolve("store"));
        List<ReplicaWrite> writes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            writes.add(new ReplicaWrite(key(i), ("{\"n\":" + i + ",\n\"x\":1}").getBytes(StandardCharsets.UTF_8), null));
        }
        store.write(writes);
        api = new HttpApi("127.0.0.1", 0, store, () -> Health.passing("ready"), () -> "");
    }

    @AfterEach
    void stop() {
        api.close();
        store.close();
    }

    @Test
    void getPrintsTheExactEventAndFailsForAnAbsentKey() {
        CliRun r = CliRun.of("get", key(3), "--http", api.address());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("{\"n\":3,\n\"x\":1}" + System.lineSeparator());
        CliRun absent = CliRun.of("get", key(99), "--http", "http://" + api.address());
        assertThat(absent.code()).isEqualTo(1);
        assertThat(absent.err()).contains("no event under key " + key(99) + " on the only node of the cluster");
    }

    @Test
    void scanPrintsOnePageAndTheCursorOfTheNextOnStderr() {
        CliRun r = CliRun.of("scan", "--from", key(0), "--limit", "10", "--http", api.address());
        assertThat(r.code()).isZero();
        assertThat(r.out().lines()).hasSize(10).allSatisfy(l -> assertThat(l).startsWith("{\"key\":\""));
        assertThat(r.out()).contains("{\"n\":0, \"x\":1}");
        assertThat(r.err()).contains("more events follow: add --cursor ");
        String cursor = r.err().substring(r.err().indexOf("--cursor ") + 9).split(" ")[0];
        CliRun next = CliRun.of("scan", "--from", key(0), "--limit", "10", "--cursor", cursor, "--http", api.address());
        assertThat(next.out().lines().findFirst()).hasValueSatisfying(l -> assertThat(l).contains(key(10)));
    }

    @Test
    void scanAndExportWarnWhenAMemberCouldNotBeRead() throws Exception {
        PeerDirectory directory = new PeerDirectory("node-1", "a", "r", 60_000, System::currentTimeMillis);
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0);
             HttpApi withPeer = new HttpApi(HttpOptions.plain("127.0.0.1", 0), store, directory,
                     () -> Health.passing("ready"), () -> "")) {
            // node-2 is in the membership at an address nobody answers on once the socket closes
            directory.apply("node-2", new MemberRecord("node-2", "a", "r", "t", "127.0.0.1:" + closed.getLocalPort(),
                    MemberRecord.State.UP, System.currentTimeMillis()));
            closed.close();
            CliRun scan = CliRun.of("scan", "--all", "--limit", "10", "--http", withPeer.address());
            assertThat(scan.code()).isZero();
            assertThat(scan.out().lines()).hasSize(25);
            assertThat(scan.err()).contains("warning: read without node-2 (").contains("events held only there are missing");
            assertThat(scan.err().split("warning:", -1)).as("said once, not per page").hasSize(2);
            CliRun export = CliRun.of("export", "--from", "2026-09-21T00:00:00Z", "--to", "2026-09-23T00:00:00Z",
                    "--out", dir.resolve("export").toString(), "--http", withPeer.address());
            assertThat(export.code()).as(export.err()).isZero();
            assertThat(export.err()).contains("warning: ").contains("node-2 (").contains("export the range again");
        }
    }

    @Test
    void scanAllFollowsTheCursorsToTheEnd() {
        CliRun r = CliRun.of("scan", "--all", "--limit", "4", "--http", api.address());
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(25);
        for (int i = 0; i < 25; i++) {
            assertThat(lines.get(i)).startsWith("{\"key\":\"" + key(i) + "\"");
        }
        assertThat(r.err()).doesNotContain("more events");
    }

    @Test
    void scanWithoutFromShowsTheNewest() {
        CliRun r = CliRun.of("scan", "--http", api.address());
        assertThat(r.out().lines()).hasSize(10);
        assertThat(r.out().lines().toList().get(9)).contains(key(24));
    }

    @Test
    void exportWritesHourlyFilesAndSaysSo() throws Exception {
        Path out = dir.resolve("export");
        CliRun r = CliRun.of("export", "--from", "2026-09-21T00:00:00Z", "--to", "20260922", "--out", out.toString(),
                "--http", api.address(), "--page-size", "7");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("exported 25 events").contains("in 1 file under");
        assertThat(r.err()).contains("wrote ").contains("25 events"); // not a terminal: plain progress lines
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()))
                    .containsExactlyInAnyOrder("20260921/14.jsonl.gz", "20260921/14.manifest.json");
        }
    }
}
