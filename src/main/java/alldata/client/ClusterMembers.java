package alldata.client;

import alldata.protocol.MalformedRecordException;
import alldata.protocol.MemberRecord;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The membership topic as a client sees it: each node's last record, in node order. A node whose last record is
 * a tombstone (dropped or decommissioned) is absent; {@link #lastIsTombstone} tells it apart from a node that
 * never was a member.
 *
 * @param members node id → its last record
 * @param gone    node ids whose last record is a tombstone
 */
public record ClusterMembers(Map<String, MemberRecord> members, java.util.Set<String> gone) {
    public ClusterMembers {
        members = Map.copyOf(members);
        gone = java.util.Set.copyOf(gone);
    }

    /** Reads the whole membership topic; unreadable records are skipped. */
    public static ClusterMembers read(Map<String, Object> config, Topics topics) {
        Map<String, MemberRecord> members = new TreeMap<>();
        java.util.Set<String> gone = new java.util.TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(config, topics.membership(), Duration.ofSeconds(60))) {
            if (r.key() == null) {
                continue;
            }
            String node = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                members.remove(node);
                gone.add(node);
                continue;
            }
            try {
                members.put(node, Wire.decode(r.value(), MemberRecord.class));
                gone.remove(node);
            } catch (MalformedRecordException e) {
                // a record of a version this client cannot read says nothing it can use
            }
        }
        return new ClusterMembers(members, gone);
    }

    /** Whether {@code node}'s last record is a tombstone. */
    public boolean lastIsTombstone(String node) {
        return gone.contains(node);
    }

    /** Node id → base URL of its HTTP API ({@code http://…} or {@code https://…}), for the members that have one. */
    public Map<String, String> httpAddresses() {
        Map<String, String> out = new TreeMap<>();
        members.forEach((node, m) -> {
            if (m.http() != null) {
                out.put(node, m.httpUrl());
            }
        });
        return out;
    }
}
