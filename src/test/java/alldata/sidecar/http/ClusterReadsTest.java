package alldata.sidecar.http;

import static alldata.sidecar.http.HttpApiTest.next;
import static alldata.sidecar.http.HttpApiTest.scannedKeys;
import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.AllDataKey;
import alldata.protocol.MemberRecord;
import alldata.protocol.ScanLines;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes' HTTP APIs in one JVM, each on its own RocksDB store, wired to each other through real
 * {@link PeerDirectory}s: reads on any node answer for the whole cluster.
 */
class ClusterReadsTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final int NODES = 3;
    private static final int KEYS = 30;

    @TempDir
    Path dir;

    private final List<RocksReplicaStore> stores = new ArrayList<>();
    private final List<HttpApi> apis = new ArrayList<>();
    private final List<PeerDirectory> directories = new ArrayList<>();
    /** How far each node's directory clock runs ahead of the wall clock. */
    private final List<AtomicLong> ahead = new ArrayList<>();
    /** Every key's event, and which nodes hold it. */
    private final TreeMap<String, byte[]> events = new TreeMap<>();
    private final Map<String, List<Integer>> holders = new LinkedHashMap<>();

    static String id(int i) {
        return "node-" + (i + 1);
    }

    /** Keys one second apart from 2026-09-21. */
    static String key(int i) {
        return AllDataKey.ingest(1_790_000_000_000L + i * 1000L, 0, i).value();
    }

    /**
     * Key i is on node i % 3 and, unless i % 5 == 0, also on the next node: replication with overlaps, some
     * events on one node only. Every third event has raw line breaks between its tokens.
     */
    @BeforeEach
    void start() throws Exception {
        List<List<ReplicaWrite>> writes = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            writes.add(new ArrayList<>());
        }
        for (int i = 0; i < KEYS; i++) {
            byte[] event = (i % 3 == 0 ? "{\n  \"n\": " + i + ",\r\n  \"s\": \"a\\nb\"\n}" : "{\"n\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8);
            events.put(key(i), event);
            List<Integer> on = i % 5 == 0 ? List.of(i % NODES) : List.of(i % NODES, (i + 1) % NODES);
            holders.put(key(i), on);
            for (int n : on) {
                writes.get(n).add(new ReplicaWrite(key(i), event, null));
            }
        }
        for (int n = 0; n < NODES; n++) {
            RocksReplicaStore store = RocksReplicaStore.open(dir.resolve(id(n)));
            store.write(writes.get(n));
            stores.add(store);
        }
        startApis(HttpOptions.plain("127.0.0.1", 0).withPeerTimeout(Duration.ofSeconds(30)));
    }

    /** One API per store, each node's directory listing every node at its address. */
    private void startApis(HttpOptions options) throws Exception {
        for (int n = 0; n < NODES; n++) {
            AtomicLong skew = new AtomicLong();
            ahead.add(skew);
            PeerDirectory d = new PeerDirectory(id(n), "a", "r", 60_000, () -> System.currentTimeMillis() + skew.get());
            directories.add(d);
            apis.add(new HttpApi(options, stores.get(n), d, () -> Health.passing("ready"), () -> ""));
        }
        for (PeerDirectory d : directories) {
            for (int n = 0; n < NODES; n++) {
                d.apply(id(n), member(n, System.currentTimeMillis()));
            }
        }
    }

    private MemberRecord member(int n, long heartbeatMs) {
        return new MemberRecord(id(n), "a", "r", "alldata.node." + id(n) + ".commands", apis.get(n).address(),
                MemberRecord.State.UP, heartbeatMs, apis.get(n).https(), null, 0);
    }

    /**
     * Lets two minutes pass on {@code reader}'s clock while every node but the {@code silent} ones heartbeats each
     * second: the silent ones' last heartbeats are then two minutes old (their session long over).
     */
    private void silence(int reader, int... silent) {
        PeerDirectory d = directories.get(reader);
        for (int second = 0; second < 120; second++) {
            long now = System.currentTimeMillis() + ahead.get(reader).addAndGet(1000);
            for (int n = 0; n < NODES; n++) {
                int node = n;
                if (IntStream.of(silent).noneMatch(q -> q == node)) {
                    d.apply(id(n), member(n, now));
                }
            }
        }
        IntStream.of(silent).forEach(n -> assertThat(d.isLive(id(n))).isFalse());
    }

    @AfterEach
    void stop() {
        apis.forEach(HttpApi::close);
        stores.forEach(RocksReplicaStore::close);
    }

    private HttpResponse<byte[]> send(String method, int node, String pathAndQuery) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + apis.get(node).address() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> get(int node, String pathAndQuery) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + apis.get(node).address() + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Follows the cursors of a scan from {@code node}; {@code between} runs after each page. */
    private List<String> scanAll(int node, String query, Runnable between) throws Exception {
        List<String> keys = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> r = get(node, "/events?" + query + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            keys.addAll(scannedKeys(r));
            cursor = next(r);
            between.run();
        } while (cursor != null);
        return keys;
    }

    // ------------------------------------------------------------------------------------------ get

    @Test
    void everyNodeReturnsEveryEventWithTheExactStoredBytes() throws Exception {
        for (int n = 0; n < NODES; n++) {
            for (Map.Entry<String, byte[]> e : events.entrySet()) {
                HttpResponse<byte[]> r = send("GET", n, "/events/" + e.getKey());
                assertThat(r.statusCode()).as(e.getKey() + " from " + id(n)).isEqualTo(200);
                assertThat(r.body()).as(e.getKey() + " from " + id(n)).isEqualTo(e.getValue());
                assertThat(r.headers().firstValue(EventReads.NODE_HEADER).map(h -> holders.get(e.getKey()).stream()
                        .map(ClusterReadsTest::id).toList().contains(h))).hasValue(true);
            }
        }
    }

    @Test
    void aKeyNoNodeHoldsIs404SayingHowManyNodesWereAsked() throws Exception {
        String absent = AllDataKey.ingest(1_790_000_000_000L, 3, 77).value();
        HttpResponse<String> r = get(1, "/events/" + absent);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no event under key " + absent + " on any of the 3 nodes asked")
                .contains("node-1", "node-2", "node-3");
        assertThat(send("HEAD", 1, "/events/" + absent).statusCode()).isEqualTo(404);
    }

    @Test
    void localTrueReadsOnlyThisNodeSoPeersNeverFanOutAgain() throws Exception {
        String k = keyOnlyOn(1);
        assertThat(get(0, "/events/" + k + "?local=true").statusCode()).isEqualTo(404);
        assertThat(get(1, "/events/" + k + "?local=true").statusCode()).isEqualTo(200);
        assertThat(scannedKeys(get(0, "/events?local=true&limit=1000"))).doesNotContain(k).isNotEmpty();
    }

    private String keyOnlyOn(int node) {
        return holders.entrySet().stream().filter(e -> e.getValue().equals(List.of(node))).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    @Test
    void headOfAClusterGetAnswersLikeGet() throws Exception {
        String k = keyOnlyOn(2);
        HttpResponse<byte[]> get = send("GET", 0, "/events/" + k);
        HttpResponse<byte[]> head = send("HEAD", 0, "/events/" + k);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(get.body().length);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void withANodeDownItsKeysHeldElsewhereAreFoundAndAMissIs503NotA404() throws Exception {
        apis.get(2).close(); // node-3 is down but still in the membership view
        String onNode3Only = keyOnlyOn(2);
        HttpResponse<String> miss = get(0, "/events/" + onNode3Only);
        assertThat(miss.statusCode()).isEqualTo(503);
        assertThat(miss.body()).contains("could not ask node-3").contains("may hold it");
        for (Map.Entry<String, List<Integer>> e : holders.entrySet()) {
            if (!e.getValue().equals(List.of(2))) {
                assertThat(get(1, "/events/" + e.getKey()).statusCode()).as(e.getKey()).isEqualTo(200);
            }
        }
    }

    @Test
    void aPeerLateWithItsHeartbeatsIsStillAskedSoItsEventsAreNot404() throws Exception {
        // a busy node's heartbeats can arrive late while it serves reads fine: its silence is no proof of absence
        silence(0, 1, 2);
        for (Map.Entry<String, byte[]> e : events.entrySet()) {
            HttpResponse<byte[]> r = send("GET", 0, "/events/" + e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(e.getValue());
        }
        assertThat(scanAll(0, "limit=7", () -> { })).containsExactlyElementsOf(events.keySet());
        HttpResponse<String> page = get(0, "/events?limit=1000");
        assertThat(page.headers().firstValue(EventReads.NODES_READ_HEADER)).hasValue("node-1,node-2,node-3");
    }

    @Test
    void aSilentNodeThatIsDownMakesAMissA503NamingItsSilenceNotA404() throws Exception {
        apis.get(2).close(); // node-3 crashed: no heartbeat since, its record still in the membership view
        silence(0, 2);
        String onNode3Only = keyOnlyOn(2);
        HttpResponse<String> miss = get(0, "/events/" + onNode3Only);
        assertThat(miss.statusCode()).as(miss.body()).isEqualTo(503);
        assertThat(miss.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(miss.body()).containsPattern("could not ask node-3 \\(no heartbeat for 1[2-9]\\d s; ").contains("may hold it")
                .contains("alldata peers drop node-3");
        HttpResponse<String> page = get(0, "/events?limit=5");
        assertThat(page.headers().firstValue(EventReads.UNAVAILABLE_HEADER)).hasValueSatisfying(v ->
                assertThat(v).containsPattern("^node-3 \\(no heartbeat for 1[2-9]\\d s; "));
        directories.get(0).apply(id(2), null); // dropped from the membership: it no longer counts
        assertThat(get(0, "/events/" + onNode3Only).statusCode()).isEqualTo(404);
    }

    /** Marks {@code key}'s put FAILED on each of {@code nodes}, as its coordinator's marker would. */
    private void markFailed(String key, int... nodes) {
        for (int n : nodes) {
            stores.get(n).markFailed(List.of(key));
        }
    }

    @Test
    void aFailedPutsCopiesAreNeverReturnedAGetIs410AndScansLeaveThemOut() throws Exception {
        String both = key(1); // on node-2 and node-3
        String one = key(5); // on node-3 only
        markFailed(both, 1, 2);
        markFailed(one, 2);
        for (int n = 0; n < NODES; n++) {
            for (String k : List.of(both, one)) {
                HttpResponse<String> r = get(n, "/events/" + k);
                assertThat(r.statusCode()).as(k + " from " + id(n)).isEqualTo(410);
                assertThat(r.body()).contains("the put of key " + k + " FAILED").contains("not part of the data");
            }
            assertThat(scanAll(n, "limit=7", () -> { })).as("from " + id(n)).doesNotContain(both, one)
                    .hasSize(KEYS - 2);
            assertThat(scannedKeys(get(n, "/events?newest=true&limit=1000"))).doesNotContain(both, one);
        }
        assertThat(get(2, "/events/" + one + "?local=true").statusCode()).isEqualTo(410);
    }

    // ----------------------------------------------------------------------------------------- scan
    // ----------------------------------------------------------------------------------------- scan

    @Test
    void aClusterScanMergesEveryNodeEachEventOnceInKeyOrder() throws Exception {
        for (int n = 0; n < NODES; n++) {
            assertThat(scanAll(n, "limit=7", () -> { })).as("from " + id(n)).containsExactlyElementsOf(events.keySet());
        }
        HttpResponse<String> page = get(0, "/events?limit=1000");
        assertThat(page.headers().firstValue(EventReads.NODES_READ_HEADER)).hasValue("node-1,node-2,node-3");
        assertThat(page.headers().firstValue(EventReads.UNAVAILABLE_HEADER)).isEmpty();
        assertThat(page.body().lines().toList()).hasSize(KEYS).allSatisfy(line ->
                assertThat(alldata.protocol.Wire.json().readTree(line).get("event").get("n")).isNotNull());
        assertThat(page.body()).contains("{\"key\":\"" + key(3) + "\",\"event\":{   \"n\": 3,    \"s\": \"a\\nb\" }}\n");
    }

    @Test
    void aClusterScanHonoursFromToAndNewest() throws Exception {
        assertThat(scanAll(2, "from=" + key(4) + "&to=" + key(9) + "&limit=2", () -> { }))
                .containsExactly(key(4), key(5), key(6), key(7), key(8));
        assertThat(scannedKeys(get(0, "/events?newest=true&limit=4")))
                .containsExactly(key(26), key(27), key(28), key(29));
        assertThat(scannedKeys(get(1, "/events?newest=true&limit=3&to=" + key(10))))
                .containsExactly(key(7), key(8), key(9));
    }

    @Test
    void aScanWithANodeDownReturnsEverythingTheOthersHoldAndNamesTheMissingNode() throws Exception {
        apis.get(1).close(); // node-2
        List<String> expected = holders.entrySet().stream().filter(e -> !e.getValue().equals(List.of(1)))
                .map(Map.Entry::getKey).toList();
        assertThat(scanAll(0, "limit=4", () -> { })).containsExactlyElementsOf(expected);
        HttpResponse<String> page = get(2, "/events?limit=5");
        assertThat(page.headers().firstValue(EventReads.NODES_READ_HEADER)).hasValue("node-3,node-1");
        assertThat(page.headers().firstValue(EventReads.UNAVAILABLE_HEADER)).hasValueSatisfying(v ->
                assertThat(v).startsWith("node-2 ("));
    }

    @Test
    void aNodeGoingDownBetweenPagesLosesNothingAnotherNodeHolds() throws Exception {
        int[] pages = {0};
        List<String> keys = scanAll(0, "limit=5", () -> {
            if (++pages[0] == 2) {
                apis.get(2).close(); // node-3
            }
        });
        assertThat(keys).isSorted().doesNotHaveDuplicates();
        List<String> heldElsewhere = holders.entrySet().stream().filter(e -> !e.getValue().equals(List.of(2)))
                .map(Map.Entry::getKey).toList();
        assertThat(keys).containsAll(heldElsewhere);
    }

    @Test
    void headOfAClusterScanAnswersLikeGet() throws Exception {
        HttpResponse<byte[]> get = send("GET", 1, "/events?limit=11");
        HttpResponse<byte[]> head = send("HEAD", 1, "/events?limit=11");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(get.body().length);
        assertThat(new String(get.body(), StandardCharsets.UTF_8)).endsWith("\"}\n").contains("{\"next\":\"");
    }

    @Test
    void scanLinesAreTheOneLineFormOfTheStoredEvents() throws Exception {
        for (String line : get(0, "/events?limit=1000").body().split("\n")) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            ScanLines.Event e = (ScanLines.Event) ScanLines.parse(b, b.length);
            assertThat(e.event()).isEqualTo(ScanLines.oneLine(events.get(e.key())));
        }
    }
}
