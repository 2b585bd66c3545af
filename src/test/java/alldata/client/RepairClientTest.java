package alldata.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.http.NodeClient;
import alldata.protocol.RepairLines;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a stub node that serves key listings the way a sidecar does (from / after, limit). */
class RepairClientTest {
    private final List<String> requests = new ArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static NodeClient client(Optional<String> token) {
        return NodeClient.withDefaultTrust(token, Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    private String serve(List<String> keys) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/repair/keys", ex -> {
            String q = ex.getRequestURI().getQuery();
            requests.add(q + " auth=" + ex.getRequestHeaders().getFirst("Authorization"));
            String after = param(q, "after");
            int limit = Integer.parseInt(param(q, "limit"));
            StringBuilder sb = new StringBuilder();
            int n = 0;
            for (String k : keys) {
                if ((after == null || k.compareTo(after) > 0) && n < limit) {
                    sb.append(RepairLines.keyLine(new RepairLines.KeyLine(k, 3, k.hashCode())));
                    n++;
                }
            }
            byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.createContext("/admin/decommission", ex -> {
            byte[] body = "cannot decommission n1: too few nodes\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(409, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static String param(String q, String name) {
        for (String p : q.split("&")) {
            if (p.startsWith(name + "=") && p.length() > name.length() + 1) {
                return java.net.URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Test
    void keyListingsArePagedWithAfterSoThatEveryKeyComesOnce() throws Exception {
        List<String> keys = List.of("k1", "k2", "k3", "k4", "k5", "k6", "k7");
        String address = serve(keys);
        List<RepairLines.KeyLine> got = new RepairClient(client(Optional.of("secret")), 3).keys(address, null, null, "n2");
        assertThat(got).extracting(RepairLines.KeyLine::key).containsExactlyElementsOf(keys);
        assertThat(requests).hasSize(3).allMatch(r -> r.contains("peer=n2") && r.endsWith("auth=Bearer secret"));
        assertThat(requests.get(1)).startsWith("after=k3");
    }

    @Test
    void aRefusalCarriesTheNodesReason() throws Exception {
        String address = serve(List.of());
        assertThatThrownBy(() -> new RepairClient(client(Optional.empty())).decommission(address))
                .isInstanceOf(IllegalStateException.class).hasMessage("cannot decommission n1: too few nodes");
    }

    @Test
    void aNodeThatCannotBeReachedIsSaidInWords() {
        // the callers print the message beside the node's address: "UNREACHABLE http://127.0.0.1:1: connection refused"
        assertThatThrownBy(() -> new RepairClient(client(Optional.empty())).status("127.0.0.1:1"))
                .isInstanceOf(java.io.IOException.class).hasMessage("connection refused");
        assertThatThrownBy(() -> new RepairClient(client(Optional.empty())).status("nosuchhost.invalid:8081"))
                .isInstanceOf(java.io.IOException.class).hasMessage("unknown host nosuchhost.invalid");
    }
}
