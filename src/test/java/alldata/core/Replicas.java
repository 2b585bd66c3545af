package alldata.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A local store and a peer transport in one, whose futures the test completes one by one: every put is
 * recorded by node id ({@value Coordinator#LOCAL} for the store), so a put's future can be checked at the
 * exact moment each replica answers. Thread-safe.
 */
final class Replicas implements ReplicaStore, PeerTransport {

    /** One request: to the local store or a {@code _put} to a peer. */
    record Call(String node, Peer peer, String key, byte[] event, CompletableFuture<Void> future) {
    }

    private final Map<String, Call> byNode = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();

    @Override
    public CompletableFuture<Void> put(String key, byte[] event) {
        return record(new Call(Coordinator.LOCAL, null, key, event, new CompletableFuture<>()));
    }

    @Override
    public CompletableFuture<Void> put(Peer peer, String key, byte[] event) {
        return record(new Call(peer.id(), peer, key, event, new CompletableFuture<>()));
    }

    private synchronized CompletableFuture<Void> record(Call call) {
        byNode.put(call.node(), call);
        calls.add(call);
        return call.future();
    }

    /** Every request so far, in order. */
    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Nodes asked so far, in the order they were asked ("local" for the store). */
    synchronized List<String> nodes() {
        return calls.stream().map(Call::node).toList();
    }

    /** Peers asked so far (the store not counted), in order. */
    synchronized List<String> peers() {
        return calls.stream().filter(c -> c.peer() != null).map(Call::node).toList();
    }

    /** The latest request to {@code node}. */
    synchronized Call call(String node) {
        Call c = byNode.get(node);
        if (c == null) {
            throw new AssertionError(node + " was never asked; asked: " + nodes());
        }
        return c;
    }

    void store(String node) {
        call(node).future().complete(null);
    }

    void fail(String node) {
        call(node).future().completeExceptionally(new IllegalStateException("disk on fire at " + node));
    }

    void conflict(String node) {
        Call c = call(node);
        c.future().completeExceptionally(new ConflictException(c.key(), "a different event is stored at " + node));
    }
}
