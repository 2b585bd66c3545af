package alldata.client;

import alldata.protocol.MembershipTable;
import alldata.protocol.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The membership topic as a client reads it: the whole topic folded into a {@link MembershipTable}, the same table
 * the sidecars keep, so that a tool and the nodes agree on who is a member.
 */
public final class ClusterMembers {
    /** How long a read of the whole topic may take unless told otherwise. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private ClusterMembers() {
    }

    /** {@link #read(Map, Topics, Duration)} within {@link #READ_TIMEOUT}. */
    public static MembershipTable read(Map<String, Object> config, Topics topics) {
        return read(config, topics, READ_TIMEOUT);
    }

    /**
     * Reads the whole membership topic; unreadable records are skipped.
     *
     * @throws IllegalStateException when the topic does not exist or cannot be read to its end within {@code timeout}
     */
    public static MembershipTable read(Map<String, Object> config, Topics topics, Duration timeout) {
        MembershipTable table = MembershipTable.empty();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(config, topics.membership(), timeout)) {
            table = table.applyRaw(r.key(), r.value());
        }
        return table;
    }
}
