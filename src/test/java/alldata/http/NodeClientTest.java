package alldata.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one client of nodes' HTTP APIs against a JDK server made here: what it sends (token, method, body), how it
 * bounds a node that stalls before or during its answer, and what it says when it cannot connect. Timeouts are
 * short; the tests wait for outcomes with generous bounds and never measure how long anything took.
 */
class NodeClientTest {
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    private HttpServer server;
    private String address;
    /** Holds the stalling handlers until the test ends. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    private final AtomicBoolean endlessWriterStopped = new AtomicBoolean();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/echo", ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            String said = ex.getRequestMethod() + " " + ex.getRequestURI() + " auth="
                    + ex.getRequestHeaders().getFirst("Authorization") + " type="
                    + ex.getRequestHeaders().getFirst("Content-Type") + " body="
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            answer(ex, 200, said);
        });
        server.createContext("/stalls-before-answering", ex -> {
            hold(release);
            answer(ex, 200, "late");
        });
        server.createContext("/stalls-halfway", ex -> {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("first line\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            hold(release);
            ex.close();
        });
        server.createContext("/endless", ex -> {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            byte[] line = "an endless answer\n".getBytes(StandardCharsets.UTF_8);
            try {
                while (release.getCount() > 0) {
                    out.write(line);
                }
            } catch (IOException e) {
                endlessWriterStopped.set(true); // the client closed the connection
            }
            ex.close();
        });
        server.start();
        address = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static NodeClient client(Optional<String> token, Duration answerTimeout) {
        return NodeClient.withDefaultTrust(token, Duration.ofSeconds(10), answerTimeout);
    }

    private String echo(NodeClient client, NodeRequest request) throws IOException {
        try (NodeAnswer a = client.send(address, request)) {
            assertThat(a.status()).isEqualTo(200);
            return a.text();
        }
    }

    @Test
    void everyRequestCarriesTheTokenAsABearerHeader() throws IOException {
        NodeClient c = client(Optional.of(" s3cret "), GENEROUS);
        assertThat(echo(c, NodeRequest.get("/echo?x=1"))).isEqualTo("GET /echo?x=1 auth=Bearer s3cret type=null body=");
        assertThat(echo(c, NodeRequest.post("/echo", "k1\nk2\n".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("POST /echo auth=Bearer s3cret type=text/plain; charset=utf-8 body=k1\nk2");
    }

    @Test
    void aBlankTokenSendsNoAuthorizationHeader() throws IOException {
        for (Optional<String> none : List.of(Optional.<String>empty(), Optional.of(""), Optional.of("  \t"))) {
            assertThat(echo(client(none, GENEROUS), NodeRequest.get("/echo"))).as("token '%s'", none).contains("auth=null");
        }
    }

    @Test
    void anAnswerReadToItsEndLeavesTheConnectionForTheNextRequest() throws IOException {
        NodeClient c = client(Optional.empty(), GENEROUS);
        echo(c, NodeRequest.get("/echo"));
        echo(c, NodeRequest.get("/echo"));
        assertThat(clientPorts).hasSize(2);
        assertThat(clientPorts.get(1)).as("the same connection").isEqualTo(clientPorts.get(0));
    }

    @Test
    void aNodeThatStallsHalfwayThroughItsAnswerFailsTheReadInsteadOfHoldingIt() throws Exception {
        NodeClient c = client(Optional.empty(), Duration.ofMillis(300));
        NodeAnswer a = c.send(address, NodeRequest.get("/stalls-halfway"));
        BufferedReader lines = new BufferedReader(new InputStreamReader(a.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).isEqualTo("first line");
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
            try {
                return lines.readLine();
            } catch (IOException e) {
                return e.toString();
            }
        });
        // without a bound on each read this would wait for the node for ever: the bound here is only the test's
        await().atMost(GENEROUS).until(next::isDone);
        assertThat(next.get()).startsWith(SocketTimeoutException.class.getName()).contains("the answer stalled");
        assertThatThrownBy(a.body()::read).as("a stalled answer does not read as ended later")
                .isInstanceOf(SocketTimeoutException.class);
        a.close();
    }

    @Test
    void aNodeThatDoesNotAnswerInTimeIsATimeoutNamingIt() {
        NodeClient c = client(Optional.empty(), Duration.ofMillis(300));
        assertThatThrownBy(() -> c.send(address, NodeRequest.get("/stalls-before-answering")))
                .isInstanceOf(HttpTimeoutException.class).hasMessageStartingWith("no answer from http://" + address + " within");
    }

    @Test
    void aLongerAnswerTimeoutForOneRequestIsThatRequestsOnly() {
        NodeRequest r = NodeRequest.get("/echo");
        assertThat(r.within(Duration.ofMinutes(10)).answerTimeout()).hasValue(Duration.ofMinutes(10));
        assertThat(r.answerTimeout()).as("unchanged").isEmpty();
    }

    @Test
    void closingAnAnswerEarlyClosesTheConnectionSoTheNodeStopsWriting() throws IOException {
        NodeClient c = client(Optional.empty(), GENEROUS);
        NodeAnswer a = c.send(address, NodeRequest.get("/endless"));
        assertThat(a.body().readNBytes(1000)).hasSize(1000);
        a.close();
        await().atMost(GENEROUS).untilTrue(endlessWriterStopped);
    }

    @Test
    void aNodeThatCannotBeConnectedToSaysWhyInWords() {
        NodeClient c = client(Optional.empty(), GENEROUS);
        assertThatThrownBy(() -> c.send("127.0.0.1:1", NodeRequest.get("/echo")))
                .isInstanceOfSatisfying(NodeUnreachableException.class,
                        e -> assertThat(e.base()).isEqualTo("http://127.0.0.1:1"))
                .hasMessage("connection refused");
        assertThatThrownBy(() -> c.send("https://nosuchhost.invalid:8080", NodeRequest.get("/echo")))
                .isInstanceOfSatisfying(NodeUnreachableException.class,
                        e -> assertThat(e.base()).isEqualTo("https://nosuchhost.invalid:8080"))
                .hasMessage("unknown host nosuchhost.invalid");
    }

    @Test
    void theTokenIsNeverShown() {
        assertThat(client(Optional.of("s3cret"), GENEROUS).toString()).doesNotContain("s3cret").contains("token set");
    }
}
