package alldata.sidecar.repair;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.AllDataKey;
import alldata.core.IntervalDigest;
import alldata.core.ReplicationStrategy;
import alldata.protocol.DigestReport;
import alldata.protocol.MemberRecord;
import alldata.protocol.RepairLines;
import alldata.protocol.RepairStatus;
import alldata.protocol.ReplicaMeta;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import alldata.sidecar.http.Health;
import alldata.sidecar.http.HttpApi;
import alldata.sidecar.http.RepairHttp;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import alldata.store.StoreSurgery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repair endpoints, mounted on a real {@link HttpApi} over a real store, through the JDK's HTTP client. */
class RepairHttpTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final long T0 = 1_789_999_200_000L; // on the hour

    @TempDir
    Path dir;

    private RocksReplicaStore store;
    private HttpApi api;
    private RepairService repair;

    private static String key(int i) {
        return AllDataKey.ingest(T0 + i * 600_000L, 0, i).value(); // every 10 minutes: 6 per hour
    }

    private void start() throws Exception {
        store = RocksReplicaStore.open(dir.resolve("n1"));
        List<ReplicaWrite> writes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            List<String> plan = i % 2 == 0 ? List.of("n1", "n2", "n3") : List.of("n1", "n3", "n4");
            writes.add(new ReplicaWrite(key(i), ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                    new ReplicaMeta(plan, "n1", 3, 0)));
        }
        store.write(writes);
        ReplyWaiter replies = new ReplyWaiter();
        ReplicationStrategy rf3 = new ReplicationStrategy(3, 0, 0);
        RepairService.Membership membership = new RepairService.Membership() {
            @Override
            public boolean caughtUp() {
                return true;
            }

            @Override
            public Collection<MemberRecord> members() {
                return List.of(new MemberRecord("n2", "z", "r", "t", "h", MemberRecord.State.UP, System.currentTimeMillis()));
            }

            @Override
            public MemberRecord member(String node) {
                return null;
            }

            @Override
            public void drain() {
            }

            @Override
            public boolean draining() {
                return false;
            }

            @Override
            public void leaveForGood() {
            }
        };
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        repair = new RepairService(new RepairService.Settings("n1", "z", "r", rf3, 10_000, 60_000, 3_600_000, 100, 100),
                store, membership, new NodeIdentity("n1", "i1", 1, 0, 0), new EventRepairer("n1", store, producer,
                Topics.defaults(), membership::member, (a, k) -> java.util.concurrent.CompletableFuture.completedFuture(Map.of()),
                replies, new TokenBucket(1000, System::nanoTime), new TokenBucket(1e9, System::nanoTime), rf3, 100, 65536,
                System::currentTimeMillis, n -> { }), replies, () -> { }, System::currentTimeMillis);
        api = new HttpApi("127.0.0.1", 0, store, () -> Health.passing("ready"), () -> "");
        RepairHttp handler = new RepairHttp("n1", store, repair);
        api.mount("/repair", handler);
        api.mount("/admin", handler);
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (repair != null) {
            repair.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + api.address() + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void holdsAnswersTheKeysHeldWithTheHashOfTheirBytes() throws Exception {
        start();
        HttpResponse<String> r = send("POST", "/repair/holds", key(1) + "\n" + key(2) + "\n20200101T000000000-00000-0000000000000000001\n");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Long> held = RepairLines.parseHeld(r.body());
        assertThat(held).containsOnlyKeys(key(1), key(2));
        assertThat(held.get(key(1))).isEqualTo(IntervalDigest.contentHash("{\"i\":1}".getBytes(StandardCharsets.UTF_8)));

        assertThat(send("POST", "/repair/holds", "not a key\n").statusCode()).isEqualTo(400);
        HttpResponse<String> get = send("GET", "/repair/holds", null);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
    }

    @Test
    void statusIsJson() throws Exception {
        start();
        HttpResponse<String> r = send("GET", "/repair/status", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        RepairStatus s = Wire.decode(r.body().getBytes(StandardCharsets.UTF_8), RepairStatus.class);
        assertThat(s.node()).isEqualTo("n1");
        assertThat(s.state()).isEqualTo("STARTING");
    }

    @Test
    void digestsAreCountedFromTheDataAndDriftNamesTheIntervalWhereKeptAndCountedDiffer() throws Exception {
        String gone = AllDataKey.ingest(T0 + 65 * 60_000L, 1, 99).value(); // in the second hour
        try (RocksReplicaStore s = RocksReplicaStore.open(dir.resolve("n1"))) {
            s.write(List.of(new ReplicaWrite(gone, "{\"i\":7}".getBytes(StandardCharsets.UTF_8),
                    new ReplicaMeta(List.of("n1", "n3", "n4"), "n1", 3, 0))));
        }
        StoreSurgery.deleteEvent(dir.resolve("n1"), gone);
        start();
        String first = IntervalDigest.intervalOf(key(0));
        String second = IntervalDigest.intervalOf(gone);
        HttpResponse<String> r = send("GET", "/repair/digests?from=" + first + "&to=" + IntervalDigest.upperBound(second), null);
        assertThat(r.statusCode()).isEqualTo(200);
        DigestReport report = Wire.decode(r.body().getBytes(StandardCharsets.UTF_8), DigestReport.class);
        assertThat(report.intervals()).containsOnlyKeys(first, second);
        assertThat(report.intervals().get(first).get("n2").count()).isEqualTo(3);
        assertThat(report.intervals().get(first).get("*").count()).isEqualTo(6);
        assertThat(report.intervals().get(second).get("n4").count()).isEqualTo(3); // 7, 9 and 11: the deleted one is gone
        assertThat(report.drift()).containsExactly(second);

        DigestReport onlyFirst = Wire.decode(send("GET", "/repair/digests?from=" + first + "&to=" + second, null).body()
                .getBytes(StandardCharsets.UTF_8), DigestReport.class);
        assertThat(onlyFirst.intervals()).containsOnlyKeys(first);
        assertThat(onlyFirst.drift()).isEmpty();
    }

    @Test
    void aGetOfTheDigestsChangesNothingAndAPostResyncsTheDriftItReports() throws Exception {
        String gone = AllDataKey.ingest(T0 + 65 * 60_000L, 1, 99).value();
        try (RocksReplicaStore s = RocksReplicaStore.open(dir.resolve("n1"))) {
            s.write(List.of(new ReplicaWrite(gone, "{\"i\":7}".getBytes(StandardCharsets.UTF_8),
                    new ReplicaMeta(List.of("n1", "n3", "n4"), "n1", 3, 0))));
        }
        StoreSurgery.deleteEvent(dir.resolve("n1"), gone);
        start();
        String second = IntervalDigest.intervalOf(gone);

        assertThat(digests("GET").drift()).containsExactly(second);
        assertThat(digests("GET").drift()).as("a GET changed nothing").containsExactly(second);
        assertThat(digests("POST").drift()).as("the POST reports it and resyncs").containsExactly(second);
        assertThat(digests("GET").drift()).isEmpty();
        assertThat(store.keptDigests(null, null)).isEqualTo(store.countedDigests(null, null));
    }

    private DigestReport digests(String method) throws Exception {
        HttpResponse<String> r = send(method, "/repair/digests?from=&to=", method.equals("POST") ? "" : null);
        assertThat(r.statusCode()).isEqualTo(200);
        return Wire.decode(r.body().getBytes(StandardCharsets.UTF_8), DigestReport.class);
    }

    @Test
    void headOfTheGetPathsAnswersLikeGetWithoutABody() throws Exception {
        start();
        for (String path : List.of("/repair/status", "/repair/keys?limit=3", "/repair/digests")) {
            HttpResponse<String> get = send("GET", path, null);
            HttpResponse<String> head = send("HEAD", path, null);
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).as(path).isEqualTo(get.headers().firstValue("Content-Type"));
            assertThat(head.headers().firstValueAsLong("Content-Length")).as(path)
                    .hasValue(get.body().getBytes(StandardCharsets.UTF_8).length);
        }
        HttpResponse<String> head = send("HEAD", "/repair/keys?limit=x", null);
        assertThat(head.statusCode()).isEqualTo(400);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> onPost = send("HEAD", "/repair/holds", null);
        assertThat(onPost.statusCode()).isEqualTo(405);
        assertThat(onPost.headers().firstValue("Allow")).contains("POST");
        assertThat(send("PUT", "/repair/status", "").headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void rangesWhoseFromComesAfterTheirToAreRefused() throws Exception {
        start();
        for (String path : List.of("/repair/digests?from=" + key(5) + "&to=" + key(2), "/repair/keys?from=" + key(5) + "&to=" + key(2),
                "/repair/keys?after=" + key(5) + "&to=" + key(2))) {
            HttpResponse<String> r = send("GET", path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.body()).as(path).contains("from (" + key(5) + ") is after to (" + key(2) + ")");
        }
        assertThat(send("GET", "/repair/keys?from=" + key(2) + "&to=" + key(2), null).statusCode()).isEqualTo(200);
    }

    @Test
    void aFailureOtherThanARefusedDecommissionIsAnInternalErrorWithItsMessage() throws Exception {
        start();
        repair.close(); // shutting down: its repair no longer runs
        HttpResponse<String> r = send("POST", "/repair/events", key(1) + "\n");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("repair of n1 is not running");
    }

    @Test
    void keysListsTheEventsOfARangeWhosePlanNamesAPeer() throws Exception {
        start();
        String first = IntervalDigest.intervalOf(key(0));
        HttpResponse<String> r = send("GET", "/repair/keys?from=" + first + "&to=" + IntervalDigest.upperBound(first) + "&peer=n2", null);
        assertThat(r.statusCode()).isEqualTo(200);
        List<RepairLines.KeyLine> lines = RepairLines.parseKeyLines(r.body());
        assertThat(lines).extracting(RepairLines.KeyLine::key).containsExactly(key(0), key(2), key(4));
        assertThat(lines).allMatch(l -> l.replicationFactor() == 3);
        assertThat(RepairLines.parseKeyLines(send("GET", "/repair/keys?limit=5", null).body())).hasSize(5);
        assertThat(RepairLines.parseKeyLines(send("GET", "/repair/keys?after=" + key(9), null).body()))
                .extracting(RepairLines.KeyLine::key).containsExactly(key(10), key(11));
        assertThat(send("GET", "/repair/keys?after=" + key(9) + "&from=" + key(1), null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/repair/keys?colour=red", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/repair/keys?limit=x", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/repair/keys?from=%C3%A9", null).statusCode()).isEqualTo(400);
    }

    @Test
    void decommissionIsRefusedWithAReasonWhenTooFewNodesCouldTakeTheReplicas() throws Exception {
        start();
        HttpResponse<String> r = send("POST", "/admin/decommission", "");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("cannot decommission n1: replication factor 3 needs 3 other nodes");
        assertThat(send("GET", "/admin/decommission", null).statusCode()).isEqualTo(405);
    }

    @Test
    void unknownRepairPathsAre404AndTheRestOfTheApiIsUntouched() throws Exception {
        start();
        HttpResponse<String> r = send("GET", "/repair/nothing", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("GET /repair/status");
        assertThat(send("GET", "/events/" + key(1), null).body()).isEqualTo("{\"i\":1}");
        assertThat(send("GET", "/health/ready", null).statusCode()).isEqualTo(200);
    }
}
