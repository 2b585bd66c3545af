package alldata.sidecar.repair;

import alldata.http.NodeAnswer;
import alldata.http.NodeRequest;
import alldata.protocol.RepairLines;
import alldata.sidecar.peers.PeerRequests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Asks peers over HTTP which keys they hold ({@code POST /repair/holds}), through this node's peer requests: the
 * cluster's token and trust, and {@code http.peer.timeout.ms} as for cluster reads.
 */
final class HoldsClient implements Peers {
    private final PeerRequests peers;

    HoldsClient(PeerRequests peers) {
        this.peers = peers;
    }

    @Override
    public CompletableFuture<Map<String, Long>> holds(String baseUrl, List<String> keys) {
        NodeRequest request = NodeRequest.post("/repair/holds", RepairLines.keys(keys));
        return peers.submit(() -> {
            try (NodeAnswer a = peers.client().send(baseUrl, request)) {
                if (a.status() != 200) {
                    throw new IOException("HTTP " + a.status() + " from " + a.base() + ": " + a.firstLine());
                }
                return RepairLines.parseHeld(new String(a.bytes(), StandardCharsets.UTF_8));
            }
        });
    }
}
