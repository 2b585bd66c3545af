package alldata.sidecar.peers;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.http.NodeClient;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A node asks its peers with {@code http.peer.timeout.ms}, and a peer whose heartbeats stopped with a short connect. */
class PeerRequestsTest {
    private static PeerRequests withPeerTimeout(Duration timeout) {
        return new PeerRequests(NodeClient.withDefaultTrust(Optional.empty(), timeout, timeout));
    }

    @Test
    void aSilentPeerIsGivenASecondToAcceptAConnectionAndNothingElseChanges() {
        try (PeerRequests peers = withPeerTimeout(Duration.ofSeconds(5))) {
            assertThat(peers.client(true).connectTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(peers.client(false).connectTimeout()).isEqualTo(PeerRequests.SILENT_PEER_CONNECT);
            assertThat(peers.client(false).answerTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(peers.timeout()).as("connect, then answer").isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void aPeerTimeoutBelowASecondBoundsSilentPeersToo() {
        try (PeerRequests peers = withPeerTimeout(Duration.ofMillis(300))) {
            assertThat(peers.client(false).connectTimeout()).isEqualTo(Duration.ofMillis(300));
        }
    }
}
