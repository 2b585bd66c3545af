package alldata.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary format of command-topic records ({@link CommandRecord}), version 2. Big-endian; {@code str}
 * is a u16 byte length then UTF-8; {@code bytes} is an i32 length then the bytes.
 *
 * <pre>
 * u8 format = 2           (the JSON commands of version 1 began with '{')
 * u8 kind                 1 = PUT_BATCH, 2 = REPLY_BATCH, 3 = META_UPDATE, 4 = FAILED_COPIES, 5 = COMMITTED_COPIES
 * PUT_BATCH:   str origin
 *              u8 reply route: 1 = ack partition, then i32 partition; 2 = node, then str node id
 *              i32 count, then per put:
 *                str key, u16 attempt, u8 replication factor, u8 n, n x str replica node, bytes event
 * REPLY_BATCH: the answer list of {@link AckFormat} (str node, i32 count, per answer: str key, u8 status, str message)
 * META_UPDATE: str origin, i32 count, then per update:
 *                str key, i64 epoch, u8 replication factor, u8 n, n x str replica node
 * FAILED_COPIES: str origin, i32 count, count x str key
 * COMMITTED_COPIES: as FAILED_COPIES; takes the FAILED markers of those keys back
 * </pre>
 *
 * A new kind gets a new code; a decoder refuses kinds and formats it does not know, with a reason.
 */
public final class CommandFormat {
    /** The format byte of this version. */
    public static final int FORMAT = 2;
    static final int PUT_BATCH = 1;
    static final int REPLY_BATCH = 2;
    static final int META_UPDATE = 3;
    static final int FAILED_COPIES = 4;
    static final int COMMITTED_COPIES = 5;
    private static final int ROUTE_ACK_PARTITION = 1;
    private static final int ROUTE_NODE = 2;
    /** Fixed bytes of one put besides key, replicas and event (attempt, rf, n, event length). */
    private static final int MIN_PUT_BYTES = 2 + 2 + 1 + 1 + 4;
    /** Fixed bytes of one plan update (key length, epoch, rf, n). */
    private static final int MIN_UPDATE_BYTES = 2 + 8 + 1 + 1;

    private CommandFormat() {
    }

    public static byte[] encode(CommandRecord record) {
        if (record instanceof PutBatch b) {
            return encodePuts(b);
        }
        if (record instanceof MetaUpdateBatch m) {
            return encodeMetaUpdates(m);
        }
        if (record instanceof FailedCopies f) {
            ByteWriter w = new ByteWriter(16 + 48 * f.keys().size()).u8(FORMAT)
                    .u8(f.failed() ? FAILED_COPIES : COMMITTED_COPIES).str(f.origin())
                    .i32(f.keys().size());
            f.keys().forEach(w::str);
            return w.toByteArray();
        }
        ReplyBatch r = (ReplyBatch) record;
        ByteWriter w = new ByteWriter(64 + 64 * r.answers().acks().size()).u8(FORMAT).u8(REPLY_BATCH);
        AckFormat.writeAnswers(w, r.answers());
        return w.toByteArray();
    }

    private static byte[] encodePuts(PutBatch b) {
        int size = 32;
        for (PutCommand p : b.puts()) {
            size += p.event().length + p.key().length() + 16 + 12 * p.replicas().size();
        }
        ByteWriter w = new ByteWriter(size).u8(FORMAT).u8(PUT_BATCH).str(b.origin());
        if (b.replyTo() instanceof ReplyTo.AckPartition a) {
            w.u8(ROUTE_ACK_PARTITION).i32(a.partition());
        } else {
            w.u8(ROUTE_NODE).str(((ReplyTo.Node) b.replyTo()).node());
        }
        w.i32(b.puts().size());
        for (PutCommand p : b.puts()) {
            w.str(p.key()).u16(p.attempt()).u8(p.replicationFactor()).nodes(p.replicas()).bytes(p.event());
        }
        return w.toByteArray();
    }

    private static byte[] encodeMetaUpdates(MetaUpdateBatch m) {
        ByteWriter w = new ByteWriter(32 + 96 * m.updates().size()).u8(FORMAT).u8(META_UPDATE).str(m.origin())
                .i32(m.updates().size());
        for (MetaUpdate u : m.updates()) {
            w.str(u.key()).i64(u.epoch()).u8(u.replicationFactor()).nodes(u.replicas());
        }
        return w.toByteArray();
    }

    /**
     * Decodes a command-topic record.
     *
     * @throws MalformedRecordException saying what is wrong
     */
    public static CommandRecord decode(byte[] value) {
        ByteReader r = new ByteReader(value, "command record");
        int format = r.u8("format");
        if (format != FORMAT) {
            throw new MalformedRecordException("command record has format " + format + ", this node reads format "
                    + FORMAT + (format == '{' ? " (a JSON command of version 1: upgrade the sender)" : ""));
        }
        int kind = r.u8("kind");
        CommandRecord decoded = switch (kind) {
            case PUT_BATCH -> decodePuts(r);
            case REPLY_BATCH -> new ReplyBatch(AckFormat.readAnswers(r));
            case META_UPDATE -> decodeMetaUpdates(r);
            case FAILED_COPIES -> decodeFailedCopies(r, true);
            case COMMITTED_COPIES -> decodeFailedCopies(r, false);
            default -> throw new MalformedRecordException("command record has unknown kind " + kind);
        };
        r.end();
        return decoded;
    }

    private static PutBatch decodePuts(ByteReader r) {
        String origin = r.str("origin");
        int route = r.u8("reply route");
        ReplyTo replyTo = switch (route) {
            case ROUTE_ACK_PARTITION -> new ReplyTo.AckPartition(nonNegative(r.i32("ack partition")));
            case ROUTE_NODE -> new ReplyTo.Node(r.str("reply node"));
            default -> throw new MalformedRecordException("command record has unknown reply route " + route);
        };
        int n = r.count("puts", MIN_PUT_BYTES);
        List<PutCommand> puts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String key = r.str("key");
            int attempt = r.u16("attempt");
            int rf = r.u8("replication factor");
            List<String> replicas = r.nodes("replica");
            byte[] event = r.bytes("event");
            try {
                puts.add(new PutCommand(key, event, attempt, rf, replicas));
            } catch (IllegalArgumentException e) {
                throw new MalformedRecordException("command record holds an invalid put: " + e.getMessage(), e);
            }
        }
        return new PutBatch(origin, replyTo, puts);
    }

    /**
     * {@code record} as JSON for people and scripts ({@code alldata tail}). A put batch:
     * <pre>
     * {"type":"puts","origin":"node-1","replyTo":{"ackPartition":3},
     *  "puts":[{"key":"…","attempt":1,"replicationFactor":3,"replicas":["node-1","node-2","node-3"],
     *           "eventEncoding":"json","event":{…}}]}
     * </pre>
     * ({@code "replyTo":{"node":"node-2"}} for puts answered on a node's command topic; an event that is not
     * JSON in UTF-8 comes as {@code "eventEncoding":"base64"}). A reply batch:
     * {@code {"type":"replies","node":"node-2","answers":[{"key":"…","status":"OK"}]}}. A plan-update batch:
     * {@code {"type":"planUpdates","origin":"node-1","updates":[{"key":"…","epoch":2,"replicationFactor":3,
     * "replicas":["node-1","node-3","node-4"]}]}}. FAILED markers:
     * {@code {"type":"failedCopies","origin":"node-1","keys":["…"]}}.
     */
    public static ObjectNode toJson(CommandRecord record) {
        if (record instanceof PutBatch b) {
            return putsJson(b);
        }
        if (record instanceof ReplyBatch r) {
            ObjectNode n = Wire.json().createObjectNode().put("type", "replies");
            AckFormat.putAnswers(n, r.answers());
            return n;
        }
        if (record instanceof FailedCopies f) {
            ObjectNode n = Wire.json().createObjectNode().put("type", f.failed() ? "failedCopies" : "committedCopies")
                    .put("origin", f.origin());
            f.keys().forEach(n.putArray("keys")::add);
            return n;
        }
        MetaUpdateBatch m = (MetaUpdateBatch) record;
        ObjectNode n = Wire.json().createObjectNode().put("type", "planUpdates").put("origin", m.origin());
        ArrayNode updates = n.putArray("updates");
        for (MetaUpdate u : m.updates()) {
            ObjectNode o = updates.addObject().put("key", u.key()).put("epoch", u.epoch())
                    .put("replicationFactor", u.replicationFactor());
            u.replicas().forEach(o.putArray("replicas")::add);
        }
        return n;
    }

    private static ObjectNode putsJson(PutBatch b) {
        ObjectNode n = Wire.json().createObjectNode().put("type", "puts").put("origin", b.origin());
        ObjectNode replyTo = n.putObject("replyTo");
        if (b.replyTo() instanceof ReplyTo.AckPartition a) {
            replyTo.put("ackPartition", a.partition());
        } else {
            replyTo.put("node", ((ReplyTo.Node) b.replyTo()).node());
        }
        ArrayNode puts = n.putArray("puts");
        for (PutCommand p : b.puts()) {
            ObjectNode put = puts.addObject().put("key", p.key()).put("attempt", p.attempt())
                    .put("replicationFactor", p.replicationFactor());
            p.replicas().forEach(put.putArray("replicas")::add);
            JsonBytes.putJsonOrBase64(put, "event", p.event());
        }
        return n;
    }

    private static MetaUpdateBatch decodeMetaUpdates(ByteReader r) {
        String origin = r.str("origin");
        int n = r.count("plan updates", MIN_UPDATE_BYTES);
        List<MetaUpdate> updates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String key = r.str("key");
            long epoch = r.i64("epoch");
            int rf = r.u8("replication factor");
            List<String> replicas = r.nodes("replica");
            try {
                updates.add(new MetaUpdate(key, replicas, rf, epoch));
            } catch (IllegalArgumentException e) {
                throw new MalformedRecordException("command record holds an invalid plan update: " + e.getMessage(), e);
            }
        }
        return new MetaUpdateBatch(origin, updates);
    }

    private static FailedCopies decodeFailedCopies(ByteReader r, boolean failed) {
        String origin = r.str("origin");
        int n = r.count("FAILED keys", 2);
        List<String> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(r.str("key"));
        }
        try {
            return new FailedCopies(origin, keys, failed);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException("command record holds an invalid FAILED key: " + e.getMessage(), e);
        }
    }

    private static int nonNegative(int partition) {
        if (partition < 0) {
            throw new MalformedRecordException("command record names ack partition " + partition);
        }
        return partition;
    }
}
