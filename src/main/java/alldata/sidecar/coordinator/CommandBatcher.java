package alldata.sidecar.coordinator;

import alldata.protocol.CommandFormat;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.ReplyTo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Collects a coordinator task's {@code _put}s per destination node and turns each node's collection into
 * one command record ({@link PutBatch}) per flush: a put costs a share of a record, not a record. The
 * task flushes at the end of each processing cycle, and a node's batch early when it reaches the size cap.
 */
final class CommandBatcher {
    private final String origin;
    private final ReplyTo replyTo;
    private final int maxBatchBytes;
    private final BiConsumer<String, byte[]> send;
    private final Map<String, Pending> byNode = new LinkedHashMap<>();
    private int buffered;

    private static final class Pending {
        final List<PutCommand> puts = new ArrayList<>();
        int bytes;
    }

    /**
     * @param origin        this coordinator's node id
     * @param ackPartition  the task's ack partition, where every answer must come back
     * @param maxBatchBytes flush a node's batch once its events reach this many bytes
     * @param send          sends one encoded record to a node (destination, value)
     */
    CommandBatcher(String origin, int ackPartition, int maxBatchBytes, BiConsumer<String, byte[]> send) {
        this.origin = origin;
        this.replyTo = new ReplyTo.AckPartition(ackPartition);
        this.maxBatchBytes = maxBatchBytes;
        this.send = send;
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

    /** Puts waiting for the next flush. */
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
        buffered -= p.puts.size();
        send.accept(node, CommandFormat.encode(new PutBatch(origin, replyTo, p.puts)));
    }
}
