package alldata.sidecar.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.http.NodeClient;
import alldata.protocol.RepairLines;
import alldata.sidecar.peers.PeerRequests;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Repair asking a peer which keys it holds goes through the node's peer requests: the cluster's token, and
 * {@code http.peer.timeout.ms} as for cluster reads (a stalled peer fails the question instead of holding a repair
 * pass for repair's own, much longer, answer timeout).
 */
class HoldsClientTest {
    private HttpServer peer;
    private PeerRequests requests;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<String> asked = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        peer.setExecutor(Executors.newCachedThreadPool());
        peer.createContext("/repair/holds", ex -> {
            String keys = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            asked.set(ex.getRequestHeaders().getFirst("Authorization") + " " + keys.strip().replace('\n', ','));
            if (keys.contains("stall")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = RepairLines.held(Map.of("k1", 42L));
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        peer.start();
        Duration peerTimeout = Duration.ofMillis(500);
        requests = new PeerRequests(NodeClient.withDefaultTrust(Optional.of("t0ken"), peerTimeout, peerTimeout));
    }

    @AfterEach
    void stop() {
        release.countDown();
        peer.stop(0);
        requests.close();
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + peer.getAddress().getPort();
    }

    @Test
    void askingWhatAPeerHoldsSendsTheKeysAndTheToken() throws Exception {
        Map<String, Long> held = new HoldsClient(requests).holds(baseUrl(), List.of("k1", "k2")).get();
        assertThat(held).containsExactly(Map.entry("k1", 42L));
        assertThat(asked.get()).isEqualTo("Bearer t0ken k1,k2");
    }

    @Test
    void aPeerThatDoesNotAnswerWithinThePeerTimeoutFailsTheQuestion() {
        CompletableFuture<Map<String, Long>> held = new HoldsClient(requests).holds(baseUrl(), List.of("stall"));
        // repair itself waits at least 30 s for an answer: the peer timeout (500 ms here) must end it long before
        await().atMost(Duration.ofSeconds(20)).until(held::isDone);
        assertThat(held).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(HttpTimeoutException.class);
    }
}
