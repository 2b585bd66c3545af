package alldata.sidecar.repair;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** How repair asks a peer what it holds. */
interface Peers {
    /**
     * The keys of {@code keys} that the node holds, with their content hashes.
     *
     * @param baseUrl the node's HTTP API, {@code http://host:port} or {@code https://host:port}
     */
    CompletableFuture<Map<String, Long>> holds(String baseUrl, List<String> keys);
}
