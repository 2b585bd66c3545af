package alldata.sidecar.repair;

import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers repair waits for: its copies go out as puts with replies to this node's command topic, and the
 * replica writer hands every {@code ReplyBatch} it reads there to {@link #accept}. An answer nobody waits for (a
 * repeat after a re-delivery, or one that came after its time-out) is dropped.
 */
final class ReplyWaiter {
    private final Map<String, CompletableFuture<Ack>> waiting = new ConcurrentHashMap<>();

    private static String id(String node, String key) {
        return node + '\n' + key;
    }

    /** The future answer of {@code node} to the put of {@code key}. */
    CompletableFuture<Ack> expect(String node, String key) {
        return waiting.computeIfAbsent(id(node, key), k -> new CompletableFuture<>());
    }

    /** Stops waiting for the answer of {@code node} about {@code key}. */
    void forget(String node, String key) {
        waiting.remove(id(node, key));
    }

    /** Answers from one node (on the replica writer's thread). */
    void accept(AckBatch answers) {
        for (Ack a : answers.acks()) {
            CompletableFuture<Ack> f = waiting.remove(id(answers.node(), a.key()));
            if (f != null) {
                f.complete(a);
            }
        }
    }

    int waitingCount() {
        return waiting.size();
    }
}
