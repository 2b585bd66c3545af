package alldata.sidecar.repair;

import alldata.protocol.RepairLines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * Asks peers over HTTP which keys they hold ({@code POST /repair/holds}), sending the cluster's bearer token
 * when one is set.
 */
final class HoldsClient implements Peers {
    private final HttpClient http;
    private final Optional<String> bearerToken;
    private final Duration timeout;

    /** @param tls trust for peers that speak HTTPS */
    HoldsClient(Optional<String> bearerToken, SSLContext tls, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).sslContext(tls).build();
        this.bearerToken = bearerToken;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Map<String, Long>> holds(String baseUrl, List<String> keys) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/repair/holds"))
                .timeout(timeout).header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(RepairLines.keys(keys)));
        bearerToken.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + " from " + baseUrl + ": " + r.body().strip());
            }
            return RepairLines.parseHeld(r.body());
        });
    }
}
