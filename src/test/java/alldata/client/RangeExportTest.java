package alldata.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.AllDataKey;
import alldata.protocol.MemberRecord;
import alldata.protocol.ScanLines;
import alldata.protocol.Wire;
import alldata.sidecar.http.Health;
import alldata.sidecar.http.HttpApi;
import alldata.sidecar.http.HttpOptions;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports through a two-node cluster's HTTP API (real stores, real HTTP), read back file by file. */
class RangeExportTest {
    private static final Instant T0 = Instant.parse("2026-09-21T14:00:00Z");
    private static final Instant LATER = Instant.parse("2026-09-22T00:00:00Z");

    @TempDir
    Path dir;
    private final List<RocksReplicaStore> stores = new ArrayList<>();
    private final List<HttpApi> apis = new ArrayList<>();
    /** Events from 14:00 to 16:59, one every 97 s; each on node i % 2, every third on both. */
    private final TreeMap<String, byte[]> events = new TreeMap<>();

    @BeforeEach
    void start() throws Exception {
        List<List<ReplicaWrite>> writes = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 3 * 3600 / 97; i++) {
            String key = AllDataKey.ingest(T0.toEpochMilli() + i * 97_000L, i % 4, i).value();
            byte[] event = (i % 5 == 0 ? "{\"i\":" + i + ",\n\"s\":\"line\\nbreak\"}" : "{\"i\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8);
            events.put(key, event);
            writes.get(i % 2).add(new ReplicaWrite(key, event, null));
            if (i % 3 == 0) {
                writes.get((i + 1) % 2).add(new ReplicaWrite(key, event, null));
            }
        }
        List<PeerDirectory> directories = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            RocksReplicaStore store = RocksReplicaStore.open(dir.resolve("node-" + n));
            store.write(writes.get(n));
            stores.add(store);
            PeerDirectory d = new PeerDirectory("node-" + n, "a", "r", 3_600_000, System::currentTimeMillis);
            directories.add(d);
            apis.add(new HttpApi(HttpOptions.plain("127.0.0.1", 0).withPeerTimeout(Duration.ofSeconds(30)), store, d,
                    () -> Health.passing("ready"), () -> ""));
        }
        for (PeerDirectory d : directories) {
            for (int n = 0; n < 2; n++) {
                d.apply("node-" + n, new MemberRecord("node-" + n, "a", "r", "t", apis.get(n).address(),
                        MemberRecord.State.UP, System.currentTimeMillis()));
            }
        }
    }

    @AfterEach
    void stop() {
        apis.forEach(HttpApi::close);
        stores.forEach(RocksReplicaStore::close);
    }

    private RangeExport.Summary export(Path out, Instant from, Instant to, int pageSize) throws Exception {
        HttpReader reader = new HttpReader(apis.get(1).address(), Optional.empty(), Duration.ofSeconds(60));
        return new RangeExport(reader, () -> LATER).run(new RangeExport.Request(from, to, out, RangeExport.DEFAULT_GRACE,
                false, pageSize), ExportProgress.none());
    }

    private static List<ScanLines.Event> read(Path file) throws Exception {
        byte[] lines;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            lines = in.readAllBytes();
        }
        List<ScanLines.Event> out = new ArrayList<>();
        try (ScanLines.Reader r = new ScanLines.Reader(new ByteArrayInputStream(lines), 1 << 20)) {
            for (ScanLines.Line l = r.next(); l != null; l = r.next()) {
                out.add((ScanLines.Event) l);
            }
        }
        return out;
    }

    @Test
    void everyEventOnceInKeyOrderInItsHourWithAManifestPerFile() throws Exception {
        Path out = dir.resolve("export");
        RangeExport.Summary s = export(out, T0.minusSeconds(3600), T0.plusSeconds(4 * 3600), 7);
        assertThat(s.events()).isEqualTo(events.size());
        assertThat(s.files()).extracting(m -> out.relativize(m.file()).toString())
                .containsExactly("20260921/14.jsonl.gz", "20260921/15.jsonl.gz", "20260921/16.jsonl.gz");
        List<String> keys = new ArrayList<>();
        for (RangeExport.Manifest m : s.files()) {
            List<ScanLines.Event> inFile = read(m.file());
            String hour = m.file().getFileName().toString().substring(0, 2);
            assertThat(inFile).allSatisfy(e -> assertThat(e.key().substring(9, 11)).isEqualTo(hour));
            inFile.forEach(e -> {
                keys.add(e.key());
                assertThat(e.event()).isEqualTo(ScanLines.oneLine(events.get(e.key())));
            });
            byte[] bytes = Files.readAllBytes(m.file());
            JsonNode manifest = Wire.json().readTree(Files.readAllBytes(m.path()));
            assertThat(m.path().getFileName().toString()).isEqualTo(hour + ".manifest.json");
            assertThat(manifest.get("file").asText()).isEqualTo(hour + ".jsonl.gz");
            assertThat(manifest.get("format").asText()).isEqualTo("jsonl.gz");
            assertThat(manifest.get("count").asLong()).isEqualTo(inFile.size());
            assertThat(manifest.get("firstKey").asText()).isEqualTo(inFile.get(0).key());
            assertThat(manifest.get("lastKey").asText()).isEqualTo(inFile.get(inFile.size() - 1).key());
            assertThat(manifest.get("sha256").asText())
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            assertThat(manifest.get("bytes").asLong()).isEqualTo(bytes.length);
            assertThat(manifest.get("from").asText()).isEqualTo("2026-09-21T" + hour + ":00:00Z");
            assertThat(manifest.get("to").asText()).isEqualTo("2026-09-21T" + (Integer.parseInt(hour) + 1) + ":00:00Z");
        }
        assertThat(keys).containsExactlyElementsOf(events.keySet());
        try (Stream<Path> all = Files.walk(out)) {
            assertThat(all.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .as("no temporary files left").noneMatch(n -> n.endsWith(".tmp")).hasSize(6);
        }
    }

    @Test
    void anExportThatCouldNotReadEveryMemberSaysSoAndWhich() throws Exception {
        RangeExport.Summary whole = export(dir.resolve("whole"), T0, T0.plusSeconds(3 * 3600), 50);
        assertThat(whole.complete()).isTrue();
        assertThat(whole.unavailable()).isNull();
        apis.get(0).close(); // node-0 is down; the export reads through node-1
        RangeExport.Summary part = export(dir.resolve("part"), T0, T0.plusSeconds(3 * 3600), 50);
        assertThat(part.complete()).isFalse();
        assertThat(part.pagesMissingNodes()).isPositive();
        assertThat(part.unavailable()).startsWith("node-0 (");
        assertThat(part.events()).isLessThan(whole.events()); // the events node-0 alone holds
        StringWriter said = new StringWriter();
        ExportProgress.lines(new PrintWriter(said)).done(part);
        assertThat(said.toString()).contains("warning: ").contains("node-0 (").contains("missing");
    }

    @Test
    void aSecondExportOfTheRangeWritesTheSameBytes() throws Exception {
        RangeExport.Summary first = export(dir.resolve("a"), T0, T0.plusSeconds(3 * 3600), 1000);
        RangeExport.Summary second = export(dir.resolve("b"), T0, T0.plusSeconds(3 * 3600), 13);
        assertThat(second.files()).hasSameSizeAs(first.files());
        for (int i = 0; i < first.files().size(); i++) {
            RangeExport.Manifest a = first.files().get(i);
            RangeExport.Manifest b = second.files().get(i);
            assertThat(Files.readAllBytes(b.file())).isEqualTo(Files.readAllBytes(a.file()));
            assertThat(Files.readAllBytes(b.path())).isEqualTo(Files.readAllBytes(a.path()));
            byte[] header = Files.readAllBytes(a.file());
            assertThat(header[3]).as("gzip flags: no file name, no comment").isZero();
            assertThat(new byte[] {header[4], header[5], header[6], header[7]}).as("gzip time").containsOnly(0);
        }
        RangeExport.Summary again = export(dir.resolve("a"), T0, T0.plusSeconds(3 * 3600), 1000); // over the same files
        assertThat(again.files()).extracting(RangeExport.Manifest::sha256)
                .containsExactlyElementsOf(first.files().stream().map(RangeExport.Manifest::sha256).toList());
    }

    @Test
    void aRangeStartingInsideAnHourCoversOnlyItsPartAndSaysSo() throws Exception {
        RangeExport.Summary s = export(dir.resolve("p"), T0.plusSeconds(1800), T0.plusSeconds(5400), 50);
        assertThat(s.files()).hasSize(2);
        assertThat(s.files().get(0).from()).isEqualTo(T0.plusSeconds(1800));
        assertThat(s.files().get(1).to()).isEqualTo(T0.plusSeconds(5400));
        String from = AllDataKey.timePrefix(T0.plusSeconds(1800));
        String to = AllDataKey.timePrefix(T0.plusSeconds(5400));
        long expected = events.keySet().stream().filter(k -> k.compareTo(from) >= 0 && k.compareTo(to) < 0).count();
        assertThat(s.events()).isEqualTo(expected);
    }

    @Test
    void aRangeThatIsNotClosedIsRefusedUnlessAllowed() throws Exception {
        HttpReader reader = new HttpReader(apis.get(0).address(), Optional.empty(), Duration.ofSeconds(60));
        Instant to = T0.plusSeconds(3600);
        RangeExport soon = new RangeExport(reader, () -> to.plusSeconds(60));
        RangeExport.Request request = new RangeExport.Request(T0, to, dir.resolve("o"), Duration.ofMinutes(5), false, 100);
        assertThatThrownBy(() -> soon.run(request, ExportProgress.none()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("less than 5 min ago")
                .hasMessageContaining("--allow-open");
        assertThat(dir.resolve("o")).doesNotExist();
        RangeExport.Request open = new RangeExport.Request(T0, to, dir.resolve("o"), Duration.ofMinutes(5), true, 100);
        assertThat(soon.run(open, ExportProgress.none()).files()).hasSize(1);
    }

    @Test
    void aReversedRangeIsRefused() {
        HttpReader reader = new HttpReader(apis.get(0).address(), Optional.empty(), Duration.ofSeconds(60));
        assertThatThrownBy(() -> new RangeExport(reader, () -> LATER).run(new RangeExport.Request(T0.plusSeconds(1), T0,
                dir.resolve("r"), Duration.ZERO, false, 100), ExportProgress.none()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is after --to");
    }
}
