package alldata.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link ReplicaMeta} in a node's store ({@code meta} column family), version 3.
 *
 * <pre>
 * u8 format = 3, str coordinator, u8 replication factor, u8 n, n x str replica node, i64 stored-at ms, i64 epoch
 * </pre>
 * Version 2 was the same without the epoch; version 1 stored JSON (first byte '{') without the replication
 * factor. {@link #decode} reads all three (an older meta has epoch 0), so stores written before stay
 * readable; {@link #encode} always writes version 3.
 */
public final class MetaFormat {
    public static final int FORMAT = 3;
    private static final int FORMAT_WITHOUT_EPOCH = 2;

    private MetaFormat() {
    }

    public static byte[] encode(ReplicaMeta m) {
        return new ByteWriter(24 + 12 * m.replicas().size()).u8(FORMAT).str(m.coordinator())
                .u8(m.replicationFactor()).nodes(m.replicas()).i64(m.storedAtMs()).i64(m.epoch()).toByteArray();
    }

    /** @throws MalformedRecordException saying what is wrong */
    public static ReplicaMeta decode(byte[] bytes) {
        if (bytes != null && bytes.length > 0 && bytes[0] == '{') {
            return decodeJson(bytes);
        }
        ByteReader r = new ByteReader(bytes, "replica meta");
        int format = r.u8("format");
        if (format != FORMAT && format != FORMAT_WITHOUT_EPOCH) {
            throw new MalformedRecordException("replica meta has unknown format " + format);
        }
        String coordinator = r.str("coordinator");
        int rf = r.u8("replication factor");
        List<String> replicas = r.nodes("replica");
        long at = r.i64("stored at");
        long epoch = format == FORMAT ? r.i64("epoch") : 0;
        r.end();
        try {
            return new ReplicaMeta(replicas, coordinator, rf, at, epoch);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException("replica meta is invalid: " + e.getMessage(), e);
        }
    }

    /** Version 1: {@code {"replicas":[...],"coordinator":"...","storedAtMs":...}}, no replication factor. */
    private static ReplicaMeta decodeJson(byte[] bytes) {
        try {
            var tree = Wire.json().readTree(bytes);
            List<String> replicas = new ArrayList<>();
            tree.path("replicas").forEach(n -> replicas.add(n.asText()));
            return new ReplicaMeta(replicas, tree.path("coordinator").asText(""), Math.max(1, replicas.size()),
                    tree.path("storedAtMs").asLong());
        } catch (java.io.IOException | RuntimeException e) {
            throw new MalformedRecordException("replica meta (version 1 JSON) is unreadable: " + e.getMessage(), e);
        }
    }
}
