package alldata.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.dev.EmbeddedKafka;
import alldata.protocol.PutOutcome;
import alldata.protocol.ScanLines;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads that answer for the whole cluster, end to end on separate processes: four sidecars with replication factor
 * 2 (each holds about half of the events), 4,000 events, some with escaped line breaks inside strings and some
 * with raw line breaks between tokens. Every node returns every key byte-identical; following the cursors of one
 * node gives each committed event once, in key order; {@code alldata export} holds each once, and a second export
 * is byte-identical.
 */
class ClusterReadsIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final int NODES = 4;
    private static final int EVENTS = 4_000;
    /** Every timeout at its default: a scenario changes a setting only to test that setting. */
    private static final Map<String, String> SETTINGS = Map.of(
            "replication.factor", "2",
            "replication.other.zone.replicas", "1",
            "commit.level", "QUORUM",
            "topic.ingest.partitions", "4");

    /** Kept when the test fails: every node's log ({@code node-<i>.log}) and data. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private EmbeddedKafka kafka;
    private ProcessCluster cluster;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        cluster = new ProcessCluster(kafka.bootstrapServers(), dir, NODES, SETTINGS).startAll();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Event i: an escaped line break inside a string, raw line breaks between tokens, or neither. */
    private static byte[] event(int i) {
        String e = switch (i % 3) {
            case 0 -> "{\"load\":" + i + ",\"text\":\"first line\\nsecond line\"}";
            case 1 -> "{\"load\":" + i + ",\n  \"raw\":\r\n  [1,\n2]}";
            default -> "{\"load\":" + i + "}";
        };
        return e.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyNodeAnswersForTheClusterAndExportHoldsEachEventOnce() throws Exception {
        Map<String, byte[]> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
                kafka.bootstrapServers(), "acks", "all", "linger.ms", 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < EVENTS; i++) {
                String correlation = "reads-" + i;
                produced.put(correlation, event(i));
                p.send(new ProducerRecord<>(TOPICS.ingest(), correlation.getBytes(StandardCharsets.UTF_8), event(i)));
            }
            p.flush();
        }
        TreeMap<String, byte[]> committed = new TreeMap<>(); // key -> the event's bytes
        await("every event has its outcome").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            committed.clear();
            for (ConsumerRecord<byte[], byte[]> r : alldata.client.TopicReader.readToEnd(
                    Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()), TOPICS.results(), Duration.ofMinutes(1))) {
                PutOutcome o = Wire.decode(r.value(), PutOutcome.class);
                if (o.committed() && produced.containsKey(o.correlationId())) {
                    committed.put(o.key(), produced.get(o.correlationId()));
                }
            }
            return committed.size() == EVENTS;
        });
        Instant loaded = Instant.now();
        System.out.println("READS: " + committed.size() + " events committed; stored per node: " + storedCounts());

        everyNodeReturnsEveryKeyByteIdentical(committed);

        List<String> walked = walk(1, 500, committed);
        assertThat(walked).as("keys following node-1's cursors, limit 500").containsExactlyElementsOf(committed.keySet());

        Path first = dir.resolve("export-1");
        Path second = dir.resolve("export-2");
        String from = committed.firstKey().substring(0, 11); // the first event's hour
        String to = loaded.truncatedTo(ChronoUnit.MILLIS).toString();
        export(first, from, to);
        export(second, from, to);
        Map<String, byte[]> files = files(first);
        assertThat(files).as("files of the second export").hasSameSizeAs(files(second));
        files(second).forEach((name, bytes) -> assertThat(bytes).as(name + " of both exports").isEqualTo(files.get(name)));
        List<String> exported = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (f.getKey().endsWith(".jsonl.gz")) {
                for (ScanLines.Event e : eventsIn(f.getValue())) {
                    exported.add(e.key());
                    assertThat(e.event()).as(e.key()).isEqualTo(ScanLines.oneLine(committed.get(e.key())));
                }
            }
        }
        assertThat(exported).as("exported keys").containsExactlyElementsOf(committed.keySet());
    }

    private Map<String, Integer> storedCounts() throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        cluster.allStoredEvents().forEach((node, events) -> counts.put(node, events.size()));
        return counts;
    }

    /** GET /events/{key} of every key on every node, 16 at a time: the stored bytes every time. */
    private void everyNodeReturnsEveryKeyByteIdentical(Map<String, byte[]> committed) throws Exception {
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            for (Map.Entry<String, byte[]> e : committed.entrySet()) {
                String where = "http://" + cluster.http(i) + "/events/" + e.getKey();
                inFlight.acquire();
                checks.add(http.sendAsync(HttpRequest.newBuilder(URI.create(where)).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).thenAccept(r -> {
                            assertThat(r.statusCode()).as(where + ": " + new String(r.body(), StandardCharsets.UTF_8))
                                    .isEqualTo(200);
                            assertThat(r.body()).as(where).isEqualTo(e.getValue());
                        }).whenComplete((v, t) -> inFlight.release()));
            }
        }
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    }

    /** The keys of every page from node {@code i}, following the cursors; each event's line checked too. */
    private List<String> walk(int i, int limit, Map<String, byte[]> committed) throws Exception {
        List<String> keys = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://" + cluster.http(i) + "/events?limit="
                    + limit + (cursor == null ? "" : "&cursor=" + cursor))).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            cursor = null;
            int events = 0;
            try (ScanLines.Reader lines = new ScanLines.Reader(new ByteArrayInputStream(r.body()), 1 << 20)) {
                for (ScanLines.Line l = lines.next(); l != null; l = lines.next()) {
                    if (l instanceof ScanLines.End end) {
                        assertThat(end.error()).as("a page that ended early").isNull();
                        cursor = end.next();
                    } else {
                        ScanLines.Event e = (ScanLines.Event) l;
                        keys.add(e.key());
                        events++;
                        assertThat(e.event()).as(e.key()).isEqualTo(ScanLines.oneLine(committed.get(e.key())));
                    }
                }
            }
            assertThat(events).isLessThanOrEqualTo(limit);
        } while (cursor != null);
        return keys;
    }

    private void export(Path out, String from, String to) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = alldata.cli.AllDataCli.run(new PrintWriter(o, true), new PrintWriter(e, true), "export", "--from", from,
                "--to", to, "--grace", "0s", "--out", out.toString(), "--http", cluster.http(1));
        System.out.println("EXPORT to " + out + ": " + o + e);
        assertThat(code).as("alldata export exit code: " + e).isZero();
    }

    /** Every file under {@code root} by its relative path, in path order. */
    private static Map<String, byte[]> files(Path root) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static List<ScanLines.Event> eventsIn(byte[] gz) throws Exception {
        List<ScanLines.Event> out = new ArrayList<>();
        try (ScanLines.Reader r = new ScanLines.Reader(new GZIPInputStream(new ByteArrayInputStream(gz)), 1 << 20)) {
            for (ScanLines.Line l = r.next(); l != null; l = r.next()) {
                out.add((ScanLines.Event) l);
            }
        }
        return out;
    }
}
