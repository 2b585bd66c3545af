package alldata.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Every {@code _put} one sender has for one node at one flush: a coordinator task sends one such record
 * per destination per processing cycle, so that a put costs a share of a record, not a record.
 *
 * @param origin  the sending node (a coordinator, or a node repairing replicas)
 * @param replyTo where the receiver sends its answers
 * @param puts    the puts, in the order they were made
 */
public record PutBatch(String origin, ReplyTo replyTo, List<PutCommand> puts) implements CommandRecord {
    public PutBatch {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(replyTo, "replyTo");
        puts = List.copyOf(puts);
    }
}
