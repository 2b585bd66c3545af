package alldata.protocol;

import java.util.Objects;

/** Where a replica sends its answers to the {@code _put}s of a {@link PutBatch}. */
public sealed interface ReplyTo permits ReplyTo.AckPartition, ReplyTo.Node {

    /** To partition {@code partition} of the ack topic: the coordinator task that owns the puts. */
    record AckPartition(int partition) implements ReplyTo {
        public AckPartition {
            if (partition < 0) {
                throw new IllegalArgumentException("ack partition must not be negative, got " + partition);
            }
        }
    }

    /** To the command topic of node {@code node}, as a {@link ReplyBatch} (a node repairing replicas). */
    record Node(String node) implements ReplyTo {
        public Node {
            Objects.requireNonNull(node, "node");
        }
    }
}
