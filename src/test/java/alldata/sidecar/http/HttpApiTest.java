package alldata.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.AllDataKey;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP API against a real replica store and the JDK's HTTP client. */
class HttpApiTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private RocksReplicaStore store;
    private HttpApi api;
    private final AtomicReference<Health> readiness = new AtomicReference<>(Health.passing("ready: test node"));

    @BeforeEach
    void start() throws Exception {
        store = RocksReplicaStore.open(dir);
        List<ReplicaWrite> writes = new ArrayList<>();
        for (int i = 9; i >= 0; i--) { // out of order on purpose
            writes.add(new ReplicaWrite(key(i), ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), null));
        }
        store.write(writes);
        api = new HttpApi("127.0.0.1", 0, store, readiness::get, () -> "# TYPE alldata_test counter\nalldata_test_total 1.0\n");
    }

    @AfterEach
    void stop() {
        api.close();
        store.close();
    }

    /** Keys one second apart, from 2026-09-21. */
    private static String key(int i) {
        return AllDataKey.ingest(1_790_000_000_000L + i * 1000L, 0, i).value();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return send("GET", pathAndQuery);
    }

    private HttpResponse<String> send(String method, String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + api.address() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The keys of a scan page's event lines. */
    static List<String> scannedKeys(HttpResponse<String> r) {
        return r.body().isEmpty() ? List.of() : Arrays.stream(r.body().split("\n"))
                .filter(line -> line.startsWith("{\"key\":"))
                .map(line -> line.substring("{\"key\":\"".length(), line.indexOf("\",")))
                .toList();
    }

    /** The cursor of a page's closing {@code {"next":…}} line, or null when it has none. */
    static String next(HttpResponse<String> r) throws Exception {
        String[] lines = r.body().split("\n");
        String last = lines[lines.length - 1];
        return last.startsWith("{\"next\":") ? alldata.protocol.Wire.json().readTree(last).get("next").asText() : null;
    }

    // ------------------------------------------------------------------------------------------- get

    @Test
    void getReturnsTheStoredBytes() throws Exception {
        HttpResponse<String> r = get("/events/" + key(3));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"n\":3}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void getOfAnAbsentKeyIs404() throws Exception {
        String absent = AllDataKey.ingest(1_790_000_000_000L, 3, 77).value();
        HttpResponse<String> r = get("/events/" + absent);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no event under key " + absent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"k1", "20261125T041500123", "20261125T041500123-00003-00000000000000012x4"})
    void getOfSomethingThatIsNoKeyIs400SayingWhy(String notAKey) throws Exception {
        assertThat(AllDataKey.isValid(notAKey)).isFalse();
        HttpResponse<String> r = get("/events/" + notAKey);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not an AllData key").contains(notAKey);
    }

    // ------------------------------------------------------------------------------------------ scan

    @Test
    void scanReturnsJsonLinesInKeyOrder() throws Exception {
        HttpResponse<String> r = get("/events");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        assertThat(scannedKeys(r)).containsExactly(key(0), key(1), key(2), key(3), key(4), key(5), key(6), key(7),
                key(8), key(9));
        assertThat(r.body()).startsWith("{\"key\":\"" + key(0) + "\",\"event\":{\"n\":0}}\n");
    }

    @Test
    void scanHonoursFromToAndLimit() throws Exception {
        assertThat(scannedKeys(get("/events?from=" + key(2) + "&to=" + key(5)))).containsExactly(key(2), key(3), key(4));
        assertThat(scannedKeys(get("/events?from=" + key(2) + "&limit=2"))).containsExactly(key(2), key(3));
        assertThat(scannedKeys(get("/events?to=" + key(1)))).containsExactly(key(0));
        assertThat(scannedKeys(get("/events?limit=0"))).isEmpty();
        assertThat(scannedKeys(get("/events?from=&limit=1"))).containsExactly(key(0)); // empty = no bound
    }

    @Test
    void followingTheCursorsGivesEveryEventOnceAndTheLastPageHasNoNext() throws Exception {
        List<String> keys = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> r = get("/events?limit=3&from=" + key(1) + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.statusCode()).isEqualTo(200);
            keys.addAll(scannedKeys(r));
            cursor = next(r);
            pages++;
        } while (cursor != null);
        assertThat(keys).containsExactly(key(1), key(2), key(3), key(4), key(5), key(6), key(7), key(8), key(9));
        assertThat(pages).isEqualTo(3);
        HttpResponse<String> exact = get("/events?limit=10");
        assertThat(scannedKeys(exact)).hasSize(10);
        assertThat(next(exact)).as("a page that ends with the range has no next").isNull();
    }

    @Test
    void aPageEndsBeforeItsBytesExceedTheCapButHoldsAtLeastOneEvent() throws Exception {
        api.close();
        api = new HttpApi(HttpOptions.plain("127.0.0.1", 0).withMaxPageBytes(15), store, null, readiness::get, () -> "");
        HttpResponse<String> r = get("/events"); // each event {"n":i} is 7 bytes
        assertThat(scannedKeys(r)).containsExactly(key(0), key(1));
        assertThat(next(r)).isNotNull();
        api.close();
        api = new HttpApi(HttpOptions.plain("127.0.0.1", 0).withMaxPageBytes(1), store, null, readiness::get, () -> "");
        assertThat(scannedKeys(get("/events"))).containsExactly(key(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cursor=%25%25", "cursor=bm90IGEga2V5", "cursor=abc&newest=true", "local=maybe"})
    void aMalformedCursorOrFlagIs400SayingWhy(String query) throws Exception {
        HttpResponse<String> r = get("/events?" + query);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).containsAnyOf("malformed cursor", "do not go together", "local must be true or false");
    }

    @Test
    void getAndScanTakeLocalToReadThisNodeAlone() throws Exception {
        assertThat(get("/events/" + key(3) + "?local=true").body()).isEqualTo("{\"n\":3}");
        assertThat(scannedKeys(get("/events?local=true&limit=2"))).containsExactly(key(0), key(1));
        HttpResponse<String> r = get("/events/" + key(3) + "?locale=true");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("unknown parameter 'locale'");
    }

    @Test
    void scanByTimePrefix() throws Exception {
        String prefix = key(0).substring(0, 15); // down to the second: the first key only
        assertThat(scannedKeys(get("/events?from=" + prefix + "&to=" + key(1).substring(0, 15))))
                .containsExactly(key(0));
    }

    @Test
    void scanNewestGivesTheLastEventsInKeyOrder() throws Exception {
        assertThat(scannedKeys(get("/events?newest=true&limit=3"))).containsExactly(key(7), key(8), key(9));
        assertThat(scannedKeys(get("/events?newest=true&limit=2&to=" + key(5)))).containsExactly(key(3), key(4));
        assertThat(scannedKeys(get("/events?newest=false&limit=2"))).containsExactly(key(0), key(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=ten", "limit=-1", "limit=100001", "newest=yes", "form=2026", "from=caf%C3%A9"})
    void badScanParametersAre400SayingWhich(String query) throws Exception {
        HttpResponse<String> r = get("/events?" + query);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains(query.substring(0, query.indexOf('=')));
    }

    @Test
    void fromAfterToIs400SayingSo() throws Exception {
        HttpResponse<String> r = get("/events?from=" + key(5) + "&to=" + key(2));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("from (" + key(5) + ") is after to (" + key(2) + ")");
    }

    // ---------------------------------------------------------------------------------------- health

    @Test
    void liveAndReadyAre200WhenReady() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready: test node\n");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void notReadyIs503WithTheReasonWhileLiveStays200() throws Exception {
        readiness.set(Health.failing("not ready: replica store: No space left on device"));
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("not ready: replica store: No space left on device\n");
        assertThat(get("/health").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    // --------------------------------------------------------------------------------------- metrics

    @Test
    void metricsArePrometheusText() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(r.body()).contains("alldata_test_total 1.0");
    }

    // --------------------------------------------------------------------------- methods and paths

    @ParameterizedTest
    @ValueSource(strings = {"/health/live", "/health/ready", "/metrics", "/events?limit=3", "/events?limit=30",
            "/events?newest=true&limit=2", "/events/k1", "/nothing"})
    void headAnswersLikeGetWithoutABody(String path) throws Exception {
        HttpResponse<String> get = get(path);
        HttpResponse<String> head = send("HEAD", path);
        assertThat(head.statusCode()).isEqualTo(get.statusCode());
        assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
        assertThat(head.headers().firstValueAsLong("Content-Length"))
                .hasValue(get.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(head.body()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE"})
    void otherMethodsAre405(String method) throws Exception {
        HttpResponse<String> r = send(method, "/events");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/metrics/x", "/metricsx", "/health/x", "/health/live/x", "/healthz", "/eventsx",
            "/nothing"})
    void unknownPathsAre404(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("/health/ready");
    }

    @Test
    void aTakenPortIsAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new HttpApi("127.0.0.1", api.port(), store, readiness::get, () -> ""))
                .isInstanceOf(java.net.BindException.class)
                .hasMessageContaining("HTTP port " + api.port() + " on 127.0.0.1 is already in use");
    }
}
