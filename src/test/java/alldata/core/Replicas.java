package alldata.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A local store and a peer transport whose futures the test completes one by one, so that a put's
 * future can be checked at the exact moment each replica answers.
 */
final class Replicas implements ReplicaStore, PeerTransport {
    /** Pending and answered puts by node ("local" for the store), in the order they were started. */
    final Map<String, CompletableFuture<Void>> started = Collections.synchronizedMap(new LinkedHashMap<>());
    final List<String> keys = Collections.synchronizedList(new ArrayList<>());
    final List<byte[]> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public CompletableFuture<Void> put(String key, byte[] event) {
        return record(Coordinator.LOCAL, key, event);
    }

    @Override
    public CompletableFuture<Void> put(Peer peer, String key, byte[] event) {
        return record(peer.id(), key, event);
    }

    private CompletableFuture<Void> record(String node, String key, byte[] event) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        started.put(node, f);
        keys.add(key);
        events.add(event);
        return f;
    }

    List<String> nodes() {
        synchronized (started) {
            return new ArrayList<>(started.keySet());
        }
    }

    List<String> peers() {
        List<String> n = nodes();
        n.remove(Coordinator.LOCAL);
        return n;
    }

    void store(String node) {
        started.get(node).complete(null);
    }

    void fail(String node) {
        started.get(node).completeExceptionally(new IllegalStateException("disk on fire at " + node));
    }

    void conflict(String node) {
        started.get(node).completeExceptionally(new ConflictException("key1", "different event at " + node));
    }
}
