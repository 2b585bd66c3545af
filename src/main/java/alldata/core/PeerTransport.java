package alldata.core;

import java.util.concurrent.CompletableFuture;

/**
 * Carries the seed's {@code _put} to a peer: store {@code event} under {@code key} on {@code peer}. The
 * future completes once the peer stored it, exceptionally when the peer could not (a
 * {@link ConflictException} when it holds a different event under the key); it may complete on any
 * thread, or never (the replica timeout then applies).
 */
public interface PeerTransport {
    CompletableFuture<Void> put(Peer peer, String key, byte[] event);
}
