package alldata.sidecar.coordinator;

import alldata.protocol.CommandFormat;
import alldata.protocol.FailedCopies;
import alldata.protocol.MetaUpdate;
import alldata.protocol.MetaUpdateBatch;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.ReplyTo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Collects a coordinator task's {@code _put}s per destination node and turns each node's collection into
 * one command record ({@link PutBatch}) per flush: a put costs a share of a record, not a record. The
 * task flushes at the end of each processing cycle, and a node's batch early when it reaches the size cap.
 *
 * <p>Plan updates ({@link MetaUpdate}, for puts whose replicas did not all store the event) are collected the same
 * way, one {@link MetaUpdateBatch} per node and flush, sent after that node's puts; this node's own go to its
 * store directly, once per flush. So are FAILED markers ({@link FailedCopies}), sent after that node's puts and
 * plans.
 */
final class CommandBatcher {
    /** Plan updates in one record at most, as repair sends them. */
    static final int MAX_PLANS_PER_RECORD = 2000;

    private final String origin;
    private final ReplyTo replyTo;
    private final int maxBatchBytes;
    private final BiConsumer<String, byte[]> send;
    private final Consumer<List<MetaUpdate>> ownPlans;
    private final Consumer<List<String>> ownFailed;
    private final Consumer<List<String>> ownCommitted;
    private final Map<String, Pending> byNode = new LinkedHashMap<>();
    private int buffered;

    private static final class Pending {
        final List<PutCommand> puts = new ArrayList<>();
        final List<MetaUpdate> plans = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        final List<String> committed = new ArrayList<>();
        int bytes;
    }

    /**
     * @param origin        this coordinator's node id
     * @param ackPartition  the task's ack partition, where every answer must come back
     * @param maxBatchBytes flush a node's batch once its events reach this many bytes
     * @param send          sends one encoded record to a node (destination, value)
     * @param ownPlans      applies plan updates to this node's own store
     * @param ownFailed     records FAILED puts in this node's own store
     * @param ownCommitted  takes FAILED marks back in this node's own store (puts that COMMITTED after all)
     */
    CommandBatcher(String origin, int ackPartition, int maxBatchBytes, BiConsumer<String, byte[]> send,
                   Consumer<List<MetaUpdate>> ownPlans, Consumer<List<String>> ownFailed,
                   Consumer<List<String>> ownCommitted) {
        this.origin = origin;
        this.replyTo = new ReplyTo.AckPartition(ackPartition);
        this.maxBatchBytes = maxBatchBytes;
        this.send = send;
        this.ownPlans = ownPlans;
        this.ownFailed = ownFailed;
        this.ownCommitted = ownCommitted;
    }

    void add(String node, PutCommand put) {
        Pending p = byNode.computeIfAbsent(node, n -> new Pending());
        p.puts.add(put);
        p.bytes += put.event().length + put.key().length() + 32;
        buffered++;
        if (p.bytes >= maxBatchBytes) {
            flush(node, p);
            byNode.remove(node);
        }
    }

    /** Queues a plan update for a node holding the event (this node included). */
    void addPlan(String node, MetaUpdate update) {
        Pending p = byNode.computeIfAbsent(node, n -> new Pending());
        p.plans.add(update);
        p.bytes += update.key().length() + 16 + 12 * update.replicas().size();
        buffered++;
        if (p.bytes >= maxBatchBytes || p.plans.size() >= MAX_PLANS_PER_RECORD) {
            flush(node, p);
            byNode.remove(node);
        }
    }

    /** Queues the marker of a FAILED put for a node it started a replica on (this node included). */
    void addFailed(String node, String key) {
        addMark(node, key, p -> p.failed);
    }

    /**
     * Queues, for a node a resumed put started a replica on (this node included), that the put COMMITTED: a FAILED
     * marker its previous owner sent before its transaction aborted no longer holds.
     */
    void addCommitted(String node, String key) {
        addMark(node, key, p -> p.committed);
    }

    /** Queues a key on one of a node's two marker lists ({@code failed}, {@code committed}). */
    private void addMark(String node, String key, java.util.function.Function<Pending, List<String>> marks) {
        Pending p = byNode.computeIfAbsent(node, n -> new Pending());
        List<String> keys = marks.apply(p);
        keys.add(key);
        p.bytes += key.length() + 2;
        buffered++;
        if (p.bytes >= maxBatchBytes || keys.size() >= MAX_PLANS_PER_RECORD) {
            flush(node, p);
            byNode.remove(node);
        }
    }

    /** Puts, plan updates and FAILED markers waiting for the next flush. */
    int buffered() {
        return buffered;
    }

    /** Sends one record per node that has puts waiting. */
    void flush() {
        if (buffered == 0) {
            return;
        }
        byNode.forEach(this::flush);
        byNode.clear();
    }

    private void flush(String node, Pending p) {
        buffered -= p.puts.size() + p.plans.size() + p.failed.size() + p.committed.size();
        if (!p.puts.isEmpty()) {
            send.accept(node, CommandFormat.encode(new PutBatch(origin, replyTo, p.puts)));
        }
        boolean own = node.equals(origin);
        if (!p.plans.isEmpty()) {
            if (own) {
                ownPlans.accept(p.plans);
            } else {
                send.accept(node, CommandFormat.encode(new MetaUpdateBatch(origin, p.plans)));
            }
        }
        flushMarks(node, own, p.failed, true);
        flushMarks(node, own, p.committed, false);
    }

    /** This node's own marks go to its store directly; another node's as one {@link FailedCopies} record. */
    private void flushMarks(String node, boolean own, List<String> keys, boolean failed) {
        if (keys.isEmpty()) {
            return;
        }
        if (own) {
            (failed ? ownFailed : ownCommitted).accept(keys);
        } else {
            send.accept(node, CommandFormat.encode(new FailedCopies(origin, keys, failed)));
        }
    }
}
