package alldata.sidecar.repair;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** How repair asks a peer what it holds. */
interface Peers {
    /** The keys of {@code keys} that the node at {@code address} holds, with their content hashes. */
    CompletableFuture<Map<String, Long>> holds(String address, List<String> keys);
}
