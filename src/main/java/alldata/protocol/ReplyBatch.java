package alldata.protocol;

import java.util.Objects;

/**
 * Answers to puts that asked for replies on the sender's command topic ({@link ReplyTo.Node}).
 *
 * @param answers the answers of one node
 */
public record ReplyBatch(AckBatch answers) implements CommandRecord {
    public ReplyBatch {
        Objects.requireNonNull(answers, "answers");
    }
}
