package alldata.it;

import alldata.client.AllDataClient;
import alldata.client.TopicReader;
import alldata.core.AllDataKey;
import alldata.core.CommitLevel;
import alldata.dev.LocalCluster;
import alldata.protocol.MemberRecord;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.sidecar.Sidecar;
import alldata.sidecar.SidecarConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end contract of a sidecar cluster, run against whatever Kafka a subclass provides (the
 * embedded broker here; a Testcontainers broker where Docker exists). One three-node cluster (zones a,
 * b, c; RF 3 with 2 other-zone replicas; QUORUM) serves most tests; tests that disturb membership run
 * their own cluster under their own topic prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SidecarClusterSuite {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The broker's (when embedded) and the nodes' data. */
    protected Path dataDir;
    private LocalCluster cluster;
    private AllDataClient client;

    /** Bootstrap servers of the Kafka under test (started on first call). */
    protected abstract String bootstrapServers();

    /** Stops the Kafka under test, after the sidecars. */
    protected abstract void stopKafka() throws Exception;

    /** @param dir kept when a test fails, for its logs and data */
    @BeforeAll
    void startCluster(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        dataDir = dir;
        cluster = LocalCluster.startOn(bootstrapServers(), dataDir.resolve("main"), 3, 0, 3, CommitLevel.QUORUM, 3,
                Map.of("max.event.bytes", "10000"));
        client = new AllDataClient(Map.of("bootstrap.servers", bootstrapServers()), Topics.defaults(), WAIT);
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        stopKafka();
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private PutOutcome put(String event, CommitLevel level) throws Exception {
        return client.put(json(event), level).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private Map<String, String> zones() {
        Map<String, String> z = new HashMap<>();
        cluster.sidecars().forEach(s -> z.put(s.nodeId(), s.config().zone()));
        return z;
    }

    private HttpResponse<byte[]> httpGet(Sidecar node, String path) throws Exception {
        // a fresh client per request: a pooled keep-alive connection the server already closed fails the next send
        HttpClient http = HttpClient.newHttpClient();
        return http.send(HttpRequest.newBuilder(URI.create("http://" + node.httpAddress() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void commitsAtEveryLevelWithReplicasInThreeZones() throws Exception {
        for (CommitLevel level : CommitLevel.values()) {
            PutOutcome o = put("{\"level\":\"" + level + "\"}", level);
            assertThat(o.status()).as(level + ": " + o.error()).isEqualTo(PutOutcome.Status.COMMITTED);
            assertThat(o.commitLevel()).isEqualTo(level.name());
            assertThat(o.required()).isEqualTo(level.required(3));
            assertThat(o.acked()).hasSizeGreaterThanOrEqualTo(level.required(3));
            assertThat(o.replicas()).hasSize(3);
            Set<String> replicaZones = new HashSet<>();
            o.replicas().forEach(n -> replicaZones.add(zones().get(n)));
            assertThat(replicaZones).as("one replica per zone").containsExactlyInAnyOrder("a", "b", "c");
            assertThat(AllDataKey.parse(o.key())).isInstanceOf(AllDataKey.Ingest.class);
        }
    }

    @Test
    void commitLevelHeaderOverridesTheDefaultPerRecord() throws Exception {
        PutOutcome all = client.put(null, json("{\"x\":1}"), "all").get(60, TimeUnit.SECONDS);
        PutOutcome none = client.put(null, json("{\"x\":2}"), null).get(60, TimeUnit.SECONDS);
        assertThat(all.commitLevel()).isEqualTo("ALL");
        assertThat(all.required()).isEqualTo(3);
        assertThat(all.acked()).hasSize(3);
        assertThat(none.commitLevel()).isEqualTo("QUORUM");
        assertThat(none.required()).isEqualTo(2);
    }

    @Test
    void everyReplicaHoldsTheExactProducedBytes() throws Exception {
        String event = "{ \"spaced\" : 1.50,\n \"unicode\": \"caf\\u00e9 ☕\", \"big\": 12345678901234567890 }";
        PutOutcome o = put(event, CommitLevel.ALL);
        assertThat(o.committed()).isTrue();
        for (Sidecar node : cluster.sidecars()) {
            if (o.replicas().contains(node.nodeId())) {
                await().atMost(WAIT).untilAsserted(() -> {
                    HttpResponse<byte[]> r = httpGet(node, "/events/" + o.key());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo(json(event));
                });
                assertThat(node.store().meta(o.key())).hasValueSatisfying(m ->
                        assertThat(m.replicas()).containsExactlyElementsOf(o.replicas()));
            }
        }
        assertThat(httpGet(cluster.sidecars().get(0), "/events/20000101T000000000-00000-0000000000000000000")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void scanOverHttpReturnsKeyOrderedJsonLines() throws Exception {
        List<PutOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            outcomes.add(put("{\"scan\":" + i + "}", CommitLevel.ALL));
        }
        Sidecar node = cluster.sidecars().get(0);
        String from = outcomes.stream().map(PutOutcome::key).min(String::compareTo).orElseThrow();
        HttpResponse<byte[]> r = httpGet(node, "/events?from=" + from + "&limit=1000");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            keys.add(Wire.json().readTree(line).get("key").asText());
        }
        assertThat(keys).isSorted().containsAll(outcomes.stream().map(PutOutcome::key).toList());
        assertThat(httpGet(node, "/events?limit=abc").statusCode()).isEqualTo(400);
    }

    @Test
    void badInputFailsClearlyIsDeadLetteredAndValidEventsKeepFlowing() throws Exception {
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("not json", json("this is not json"));
        bad.put("not an object", json("[1,2,3]"));
        bad.put("truncated", json("{\"a\":"));
        bad.put("oversize", json("{\"pad\":\"" + "x".repeat(20_000) + "\"}"));
        List<CompletableFuture<PutOutcome>> badFutures = new ArrayList<>();
        List<CompletableFuture<PutOutcome>> good = new ArrayList<>();
        for (byte[] b : bad.values()) {
            badFutures.add(client.put(null, b, null));
            good.add(client.put(json("{\"between\":true}"), CommitLevel.QUORUM));
        }
        CompletableFuture<PutOutcome> unknownLevel = client.put(null, json("{\"ok\":1}"), "MOST");
        List<String> errors = new ArrayList<>();
        for (CompletableFuture<PutOutcome> f : badFutures) {
            PutOutcome o = f.get(60, TimeUnit.SECONDS);
            assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
            errors.add(o.error());
        }
        assertThat(errors.get(0)).contains("not valid JSON");
        assertThat(errors.get(1)).contains("not a JSON object");
        assertThat(errors.get(2)).contains("not valid JSON");
        assertThat(errors.get(3)).contains("over max.event.bytes 10000");
        PutOutcome level = unknownLevel.get(60, TimeUnit.SECONDS);
        assertThat(level.status()).isEqualTo(PutOutcome.Status.FAILED);
        assertThat(level.error()).contains("unknown commit level 'MOST'").contains("ONE, QUORUM, ALL");
        for (CompletableFuture<PutOutcome> f : good) {
            assertThat(f.get(60, TimeUnit.SECONDS).committed()).isTrue();
        }
        // every bad record is in the dead-letter topic, bytes unchanged, with the reason in a header
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(Topics.defaults().deadLetter(), 5);
        List<String> deadValues = dead.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        for (byte[] b : bad.values()) {
            assertThat(deadValues).contains(new String(b, StandardCharsets.UTF_8));
        }
        assertThat(dead).allSatisfy(r -> assertThat(r.headers().lastHeader("alldata-error")).isNotNull());
    }

    @Test
    void clientIsThreadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<PutOutcome>> all = new ArrayList<>();
            List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        synchronized (all) {
                            all.add(client.put(json("{\"t\":" + thread + ",\"i\":" + i + "}"), CommitLevel.ONE));
                        }
                    }
                }));
            }
            for (var f : submitted) {
                f.get(60, TimeUnit.SECONDS);
            }
            Set<String> keys = new HashSet<>();
            for (CompletableFuture<PutOutcome> f : all) {
                PutOutcome o = f.get(60, TimeUnit.SECONDS);
                assertThat(o.committed()).isTrue();
                keys.add(o.key());
            }
            assertThat(keys).hasSize(200);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void clientTimesOutWithAClearMessageWhenNoSidecarAnswers() throws Exception {
        Topics idle = new Topics("idle-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(idle.ingest(), 1, (short) 1), new NewTopic(idle.results(), 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (AllDataClient lonely = new AllDataClient(Map.of("bootstrap.servers", bootstrapServers()), idle,
                Duration.ofMillis(500))) {
            CompletableFuture<PutOutcome> f = lonely.put(json("{}"), CommitLevel.ONE);
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("no outcome").hasMessageContaining(idle.ingest());
        }
    }

    @Test
    void replicasOfADeadNodeAreReplacedOnASpareAfterTheDeadline() throws Exception {
        // a "ghost" member heartbeats as UP but never stores anything: a node that died without leaving
        String prefix = "ghost" + UUID.randomUUID().toString().substring(0, 6) + ".";
        Topics topics = new Topics(prefix);
        Map<String, String> extra = Map.of("topic.prefix", prefix, "replica.timeout.ms", "1500",
                "replication.other.zone.replicas", "0");
        try (LocalCluster own = LocalCluster.startOn(bootstrapServers(), dataDir.resolve(prefix), 3, 0, 3,
                CommitLevel.ALL, 2, extra);
             KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer());
             AllDataClient c = new AllDataClient(Map.of("bootstrap.servers", bootstrapServers()), topics, WAIT)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topics.commands("ghost"), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Runnable beat = () -> p.send(new ProducerRecord<>(topics.membership(), json("ghost"), Wire.encode(
                    new MemberRecord("ghost", "a", "local", topics.commands("ghost"), "nowhere:1", MemberRecord.State.UP,
                            System.currentTimeMillis()))));
            beat.run();
            await().atMost(WAIT).until(() -> own.sidecars().stream().allMatch(s -> s.directory().isLive("ghost")));
            var heart = Executors.newSingleThreadScheduledExecutor();
            heart.scheduleAtFixedRate(beat, 500, 500, TimeUnit.MILLISECONDS);
            try {
                List<PutOutcome> withGhost = new ArrayList<>();
                for (int i = 0; i < 40 && withGhost.size() < 3; i++) {
                    PutOutcome o = c.put(json("{\"g\":" + i + "}"), CommitLevel.ALL).get(60, TimeUnit.SECONDS);
                    assertThat(o.committed()).as(o.error()).isTrue();
                    if (o.replicas().contains("ghost")) {
                        withGhost.add(o);
                    }
                }
                assertThat(withGhost).as("some plans include the ghost").isNotEmpty();
                for (PutOutcome o : withGhost) {
                    assertThat(o.acked()).hasSize(3).doesNotContain("ghost")
                            .containsExactlyInAnyOrder("node-1", "node-2", "node-3");
                    assertThat(o.replicas()).hasSize(4);
                }
                double replaced = own.sidecars().stream().mapToDouble(s -> s.metrics().replacedCount()).sum();
                assertThat(replaced).isGreaterThanOrEqualTo(withGhost.size());
            } finally {
                heart.shutdownNow();
            }
        }
    }

    @Test
    void membersJoinAndLeaveWithLeavingAndStayKnownUntilDropped() throws Exception {
        String prefix = "members" + UUID.randomUUID().toString().substring(0, 6) + ".";
        Map<String, String> extra = Map.of("topic.prefix", prefix);
        try (LocalCluster own = LocalCluster.startOn(bootstrapServers(), dataDir.resolve(prefix), 2, 0, 2,
                CommitLevel.QUORUM, 2, extra)) {
            SidecarConfig third = LocalCluster.nodeConfig(dataDir.resolve(prefix), bootstrapServers(), 3, 3, 0, 2,
                    CommitLevel.QUORUM, 2, extra);
            Sidecar joined = Sidecar.start(third);
            try {
                await().atMost(WAIT).until(() -> own.sidecars().stream().allMatch(s -> s.directory().isLive("node-3")));
                await().atMost(WAIT).until(() -> joined.health().healthy());
            } finally {
                joined.close();
            }
            // a stopped node is down, not gone: only a drop or a decommission writes its tombstone
            await().atMost(WAIT).until(() -> own.sidecars().stream().noneMatch(s -> s.directory().isLive("node-3")));
            assertThat(own.sidecars()).allMatch(s -> s.directory().get("node-3") != null);
            List<ConsumerRecord<byte[], byte[]>> log = readAll(new Topics(prefix).membership(), 1);
            List<ConsumerRecord<byte[], byte[]>> node3 = log.stream()
                    .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("node-3")).toList();
            ConsumerRecord<byte[], byte[]> last = node3.get(node3.size() - 1);
            assertThat(last.value()).as("no tombstone").isNotNull();
            MemberRecord leaving = Wire.decode(last.value(), MemberRecord.class);
            assertThat(leaving.state()).isEqualTo(MemberRecord.State.LEAVING);
            assertThat(leaving.incarnation()).isEqualTo(joined.identity().incarnation());
        }
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        Sidecar node = cluster.sidecars().get(0);
        put("{\"metrics\":1}", CommitLevel.QUORUM);
        assertThat(httpGet(node, "/health").statusCode()).isEqualTo(200);
        assertThat(httpGet(node, "/health/live").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> ready = httpGet(node, "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(new String(ready.body(), StandardCharsets.UTF_8)).startsWith("ready: " + node.nodeId());
        String metrics = new String(httpGet(node, "/metrics").body(), StandardCharsets.UTF_8);
        assertThat(metrics).contains("alldata_puts_committed_total").contains("alldata_commit_latency_seconds_bucket")
                .contains("alldata_replicas_replaced_total").contains("alldata_puts_pending")
                .contains("alldata_store_size_bytes").contains("alldata_replica_writes_total")
                .contains("alldata_replicas_conflicts_total");
        // the ready-made binders: JVM, Kafka clients and Streams, RocksDB statistics, consumer lag
        assertThat(metrics).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads{",
                "jvm_classes_loaded_classes{", "system_cpu_count{", "kafka_producer_", "kafka_consumer_", "kafka_stream_",
                "alldata_store_written_bytes_total{", "alldata_store_wal_syncs_total{", "alldata_store_write_stall_seconds_total{",
                "alldata_store_block_cache_hits_total{", "alldata_store_compaction_pending{",
                "alldata_replica_commands_lag_records{", "alldata_coordinator_ingest_lag_records{",
                "alldata_coordinator_acks_lag_records{");
    }

    @Test
    void verifyFindsEveryCommittedEventOnItsReplicas() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(put("{\"verify\":" + i + "}", CommitLevel.ALL).committed()).isTrue();
        }
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int code;
        try (java.io.PrintStream capture = new java.io.PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = alldata.cli.AllDataCli.run("verify", "--bootstrap", bootstrapServers());
        } finally {
            System.setOut(old);
        }
        String report = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(report).isZero();
        assertThat(report).contains("OK").contains("missing:             0").contains("below commit level:  0")
                .contains("under-replicated:    0");
    }

    /** Reads a whole topic from the beginning, until it holds at least {@code min} records (bounded wait). */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int min) {
        return await().atMost(WAIT).until(
                () -> TopicReader.readToEnd(Map.<String, Object>of("bootstrap.servers", bootstrapServers()), topic, WAIT),
                records -> records.size() >= min);
    }
}
