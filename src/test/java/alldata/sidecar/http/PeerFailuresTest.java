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
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node (node-1, even keys) with a scripted peer (node-2, odd keys) that breaks off its answers or fails:
 * a peer's page cut halfway ends the merged page at the peer's last event, so that the next page asks again and
 * nothing is lost; a peer that fails outright is named and left out.
 */
class PeerFailuresTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final int KEYS = 6;

    @TempDir
    Path dir;
    private RocksReplicaStore store;
    private HttpApi api;
    private HttpServer peer;
    /** What the scripted peer does with its next scan: break off after this many lines (-1: answer fully). */
    private final AtomicInteger breakAfter = new AtomicInteger(-1);
    private final AtomicInteger status = new AtomicInteger(200);

    private static String key(int i) {
        return AllDataKey.ingest(1_790_000_000_000L + i * 1000L, 0, i).value();
    }

    @BeforeEach
    void start() throws Exception {
        store = RocksReplicaStore.open(dir);
        List<ReplicaWrite> writes = new ArrayList<>();
        for (int i = 0; i < KEYS; i += 2) {
            writes.add(new ReplicaWrite(key(i), ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), null));
        }
        store.write(writes);
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        peer.createContext("/", this::peerAnswers);
        peer.start();
        PeerDirectory d = new PeerDirectory("node-1", "a", "r", 60_000, System::currentTimeMillis);
        api = new HttpApi(HttpOptions.plain("127.0.0.1", 0).withPeerTimeout(Duration.ofSeconds(30)), store, d,
                () -> Health.passing("ready"), () -> "");
        d.apply("node-1", new MemberRecord("node-1", "a", "r", "t", api.address(), MemberRecord.State.UP, System.currentTimeMillis()));
        d.apply("node-2", new MemberRecord("node-2", "a", "r", "t", "127.0.0.1:" + peer.getAddress().getPort(),
                MemberRecord.State.UP, System.currentTimeMillis()));
    }

    @AfterEach
    void stop() {
        peer.stop(0);
        api.close();
        store.close();
    }

    /** node-2's scans: its odd keys after the cursor, as JSON lines; broken off or failed as scripted. */
    private void peerAnswers(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getRawQuery();
        assertThat(query).contains("local=true");
        if (status.get() != 200) {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
            return;
        }
        String after = null;
        for (String pair : query.split("&")) {
            if (pair.startsWith("cursor=")) {
                after = ScanCursor.lastKey(URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8));
            }
        }
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        int lines = 0;
        for (int i = 1; i < KEYS; i += 2) {
            if (after != null && key(i).compareTo(after) <= 0) {
                continue;
            }
            if (lines++ == breakAfter.get()) {
                out.flush();
                breakAfter.set(-1);
                // without closing the exchange: the server drops the connection, and the answer ends mid-stream
                throw new IOException("scripted: node-2 breaks off its answer");
            }
            ScanLines.writeEvent(out, key(i), ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        out.close();
        ex.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + api.address() + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPeerBreakingOffHalfwayEndsThePageAtItsLastEventAndTheNextPageHasTheRest() throws Exception {
        breakAfter.set(1); // node-2 sends key(1), then its connection drops
        HttpResponse<String> first = get("/events?limit=100");
        assertThat(scannedKeys(first)).containsExactly(key(0), key(1));
        String cursor = next(first);
        assertThat(cursor).as("the page says more may follow").isNotNull();
        HttpResponse<String> second = get("/events?limit=100&cursor=" + cursor);
        assertThat(scannedKeys(second)).containsExactly(key(2), key(3), key(4), key(5));
        assertThat(next(second)).isNull();
    }

    @Test
    void aPeerThatFailsOutrightIsNamedAndLeftOut() throws Exception {
        status.set(500);
        HttpResponse<String> page = get("/events?limit=100");
        assertThat(scannedKeys(page)).containsExactly(key(0), key(2), key(4));
        assertThat(page.headers().firstValue(EventReads.UNAVAILABLE_HEADER)).hasValueSatisfying(v ->
                assertThat(v).startsWith("node-2 (").contains("HTTP 500"));
        HttpResponse<String> miss = get("/events/" + key(1));
        assertThat(miss.statusCode()).isEqualTo(503);
        assertThat(miss.body()).contains("could not ask node-2 (HTTP 500");
    }
}
