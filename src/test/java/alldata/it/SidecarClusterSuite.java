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
import alldata.sidecar.config.SidecarConfig;
import alldata.testing.BadCommandRecords;
import alldata.testing.BadIngestRecord;
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
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
    /** The last millisecond an AllData key can carry: 9999-12-31T23:59:59.999Z. */
    private static final long LAST_KEY_MS = java.time.Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
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
                Map.of("max.event.bytes", Integer.toString(BadIngestRecord.MAX_EVENT_BYTES)));
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
        bad.put("oversize", BadIngestRecord.eventOfSize(BadIngestRecord.MAX_EVENT_BYTES + 1));
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
        assertThat(errors.get(3)).contains("over max.event.bytes " + BadIngestRecord.MAX_EVENT_BYTES);
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
    void everyClassOfBadRecordInOnePartitionFailsOnceAndThePartitionMovesOn() throws Exception {
        Topics topics = Topics.defaults();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            // Kafka 4 refuses timestamps over an hour ahead of the broker by default; an ingest topic set to accept
            // them lets the year 10000 through to the coordinator
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.ingest()),
                    List.of(new AlterConfigOp(new ConfigEntry("message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE)),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        double deathsBefore = coordinatorThreadDeaths();
        List<BadIngestRecord> bad = BadIngestRecord.all(BadIngestRecord.MAX_EVENT_BYTES);
        Map<Long, BadIngestRecord> badAt = new java.util.TreeMap<>();
        byte[] maximal = BadIngestRecord.eventOfSize(BadIngestRecord.MAX_EVENT_BYTES);
        long maximalAt;
        long farFutureAt;
        long lastAt;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers(),
                "max.request.size", 4 << 20), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (BadIngestRecord b : bad) {
                RecordHeaders headers = new RecordHeaders();
                b.headers().forEach(headers::add);
                badAt.put(p.send(new ProducerRecord<>(topics.ingest(), 0, b.timestampMs(), null, b.value(), headers))
                        .get(30, TimeUnit.SECONDS).offset(), b);
            }
            maximalAt = p.send(new ProducerRecord<>(topics.ingest(), 0, null, maximal)).get(30, TimeUnit.SECONDS).offset();
            // the last millisecond a key can carry: valid, and its pending put's changelog entry carries it too
            farFutureAt = p.send(new ProducerRecord<>(topics.ingest(), 0, LAST_KEY_MS, null, json("{\"far\":\"future\"}")))
                    .get(30, TimeUnit.SECONDS).offset();
            lastAt = p.send(new ProducerRecord<>(topics.ingest(), 0, null, json("{\"behind\":\"the bad ones\"}")))
                    .get(30, TimeUnit.SECONDS).offset();
        }

        // the partition moved on: the last record has its outcome, and so has every record before it
        Map<Long, List<PutOutcome>> outcomes = await().atMost(WAIT).until(() -> outcomesOfPartition0(), o -> o.containsKey(lastAt));
        for (Map.Entry<Long, BadIngestRecord> e : badAt.entrySet()) {
            assertThat(outcomes.get(e.getKey())).as(e.getValue().name()).singleElement().satisfies(o -> {
                assertThat(o.status()).isEqualTo(PutOutcome.Status.FAILED);
                assertThat(o.error()).contains(e.getValue().reason());
            });
        }
        assertThat(outcomes.get(maximalAt)).as("exactly max.event.bytes").singleElement()
                .satisfies(o -> assertThat(o.status()).as(o.error()).isEqualTo(PutOutcome.Status.COMMITTED));
        assertThat(outcomes.get(farFutureAt)).as("a timestamp in 9999").singleElement().satisfies(o -> {
            assertThat(o.status()).as(o.error()).isEqualTo(PutOutcome.Status.COMMITTED);
            assertThat(o.key()).startsWith("99991231T235959999-");
        });
        assertThat(outcomes.get(lastAt)).as("the record behind them").singleElement()
                .satisfies(o -> assertThat(o.status()).as(o.error()).isEqualTo(PutOutcome.Status.COMMITTED));

        Map<Long, List<ConsumerRecord<byte[], byte[]>>> dead = new java.util.HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(Map.of("bootstrap.servers", bootstrapServers()),
                topics.deadLetter(), WAIT)) {
            if (new String(r.headers().lastHeader("alldata-ingest-partition").value(), StandardCharsets.UTF_8).equals("0")) {
                long offset = Long.parseLong(new String(r.headers().lastHeader("alldata-ingest-offset").value(), StandardCharsets.UTF_8));
                dead.computeIfAbsent(offset, k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<Long, BadIngestRecord> e : badAt.entrySet()) {
            assertThat(dead.get(e.getKey())).as(e.getValue().name()).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(e.getValue().value()));
        }
        assertThat(dead).doesNotContainKeys(maximalAt, farFutureAt, lastAt);
        assertThat(coordinatorThreadDeaths()).as("coordinator threads that died on these records").isEqualTo(deathsBefore);
    }

    private double coordinatorThreadDeaths() {
        return cluster.sidecars().stream().mapToDouble(s -> s.metrics().coordinatorThreadDeathCount()).sum();
    }

    /** Every outcome of an ingest record of partition 0, by its offset. */
    private Map<Long, List<PutOutcome>> outcomesOfPartition0() {
        Map<Long, List<PutOutcome>> byOffset = new java.util.HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(Map.of("bootstrap.servers", bootstrapServers()),
                Topics.defaults().results(), WAIT)) {
            PutOutcome o = Wire.decode(r.value(), PutOutcome.class);
            if (o.ingest().partition() == 0) {
                byOffset.computeIfAbsent(o.ingest().offset(), k -> new ArrayList<>()).add(o);
            }
        }
        return byOffset;
    }

    @Test
    void garbageAndAnEmptyKeyOnACommandTopicLeaveItsWriterRunning() throws Exception {
        Sidecar node = cluster.sidecars().get(1);
        double malformedBefore = node.metrics().malformedCommandCount();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            String commands = Topics.defaults().commands(node.nodeId());
            p.send(new ProducerRecord<>(commands, BadCommandRecords.garbage())).get(30, TimeUnit.SECONDS);
            p.send(new ProducerRecord<>(commands, BadCommandRecords.putWithEmptyKey())).get(30, TimeUnit.SECONDS);
        }
        await().atMost(WAIT).until(() -> node.metrics().malformedCommandCount() >= malformedBefore + 2);
        PutOutcome after = put("{\"after\":\"garbage\"}", CommitLevel.ALL);
        assertThat(after.status()).as(after.error()).isEqualTo(PutOutcome.Status.COMMITTED);
        assertThat(after.acked()).contains(node.nodeId());
        assertThat(node.health().healthy()).as(node.health().detail()).isTrue();
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

    /** docs/metrics.md is the operator's list: every AllData series a sidecar serves must be in it. */
    @Test
    void everyAllDataMetricServedIsDocumented() throws Exception {
        Sidecar node = cluster.sidecars().get(0);
        put("{\"documented\":1}", CommitLevel.QUORUM);
        String docs = java.nio.file.Files.readString(Path.of("docs", "metrics.md"), StandardCharsets.UTF_8);
        java.util.SortedSet<String> served = new java.util.TreeSet<>();
        for (String line : new String(httpGet(node, "/metrics").body(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("alldata_")) {
                String name = line.split("[{ ]", 2)[0];
                served.add(name.replaceFirst("_(bucket|count|sum|max|created)$", ""));
            }
        }
        assertThat(served).as("AllData series served on /metrics").isNotEmpty();
        assertThat(served).as("series served on /metrics but missing from docs/metrics.md")
                .filteredOn(name -> !docs.contains("`" + name + "`")).isEmpty();
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

    @Test
    void tailDecodesEveryTopicAfterAPut() throws Exception {
        String event = "{\"tail\":\"me\"}";
        PutOutcome put = put(event, CommitLevel.ALL);
        PutOutcome bad = client.put(null, json("[\"not\",\"an\",\"object\"]"), null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(put.committed()).isTrue();
        assertThat(bad.committed()).isFalse();

        assertThat(tail("results")).anySatisfy(l -> {
            assertThat(l.get("key").asText()).isEqualTo(put.correlationId());
            assertThat(l.get("valueEncoding").asText()).isEqualTo("json");
            assertThat(l.get("value").get("status").asText()).isEqualTo("COMMITTED");
            assertThat(l.get("value").get("key").asText()).isEqualTo(put.key());
        });
        assertThat(tail("ingest")).anySatisfy(l -> {
            assertThat(l.get("headers").get("alldata-correlation-id").asText()).isEqualTo(put.correlationId());
            assertThat(l.get("headers").get("alldata-commit-level").asText()).isEqualTo("ALL");
            assertThat(l.get("value").asText()).isEqualTo(event);
            assertThat(l.get("partition").asInt()).isEqualTo(put.ingest().partition());
            assertThat(l.get("offset").asLong()).isEqualTo(put.ingest().offset());
        });
        int commandTopicsWithThePut = 0;
        for (Sidecar node : cluster.sidecars()) {
            // the coordinating node stores its own replica without a command
            boolean holds = tail("commands:" + node.nodeId()).stream()
                    .filter(l -> l.get("value").get("type").asText().equals("puts"))
                    .flatMap(l -> java.util.stream.StreamSupport.stream(l.get("value").get("puts").spliterator(), false))
                    .anyMatch(p -> p.get("key").asText().equals(put.key()) && p.get("eventEncoding").asText().equals("json")
                            && p.get("event").get("tail").asText().equals("me") && p.get("replicationFactor").asInt() == 3);
            commandTopicsWithThePut += holds ? 1 : 0;
        }
        assertThat(commandTopicsWithThePut).as("command topics holding the put").isEqualTo(2);
        assertThat(tail("acks")).anySatisfy(l -> {
            assertThat(l.get("value").get("type").asText()).isEqualTo("acks");
            assertThat(l.get("value").get("answers").findValuesAsText("key")).contains(put.key());
        });
        assertThat(tail("membership")).anySatisfy(l -> {
            assertThat(l.get("key").asText()).isEqualTo("node-1");
            assertThat(l.get("value").get("state").asText()).isEqualTo("UP");
        });
        assertThat(tail("dead-letter")).anySatisfy(l -> {
            assertThat(l.get("headers").get("alldata-correlation-id").asText()).isEqualTo(bad.correlationId());
            assertThat(l.get("headers").get("alldata-error").asText()).isEqualTo(bad.error());
            assertThat(l.get("valueEncoding").asText()).isEqualTo("text");
            assertThat(l.get("value").asText()).isEqualTo("[\"not\",\"an\",\"object\"]");
        });

        java.io.StringWriter err = new java.io.StringWriter();
        assertThat(alldata.cli.AllDataCli.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true),
                "tail", "commands:nobody", "--bootstrap", bootstrapServers())).isEqualTo(1);
        assertThat(err.toString()).contains("topic alldata.node.nobody.commands does not exist");
    }

    /** {@code alldata tail TOPIC --from-beginning --until-end}: every record the topic has, one JSON object per line. */
    private List<com.fasterxml.jackson.databind.JsonNode> tail(String topic) throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = alldata.cli.AllDataCli.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
                "tail", topic, "--from-beginning", "--until-end", "--bootstrap", bootstrapServers());
        assertThat(code).as("tail " + topic + ": " + err).isZero();
        List<com.fasterxml.jackson.databind.JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().lines().toList()) {
            com.fasterxml.jackson.databind.JsonNode n = Wire.json().readTree(line);
            assertThat(n.get("partition").isInt() && n.get("offset").isNumber()).as(line).isTrue();
            lines.add(n);
        }
        return lines;
    }

    /** Reads a whole topic from the beginning, until it holds at least {@code min} records (bounded wait). */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int min) {
        return await().atMost(WAIT).until(
                () -> TopicReader.readToEnd(Map.<String, Object>of("bootstrap.servers", bootstrapServers()), topic, WAIT),
                records -> records.size() >= min);
    }
}
