package alldata.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary format of ack-topic records ({@link AckRecord}), version 2.
 *
 * <pre>
 * u8 format = 2
 * u8 kind        1 = ACK_BATCH, 2 = CLOCK
 * ACK_BATCH: str node, i32 count, then per answer: str key, u8 status (1 OK, 2 CONFLICT, 3 ERROR), str message ("" = none)
 * CLOCK:     i64 wall-clock ms of the coordinator task that sent it
 * </pre>
 */
public final class AckFormat {
    /** The format byte of this version. */
    public static final int FORMAT = 2;
    static final int ACK_BATCH = 1;
    static final int CLOCK = 2;
    /** Longest message carried; longer ones are cut (a message explains, it carries no data). */
    static final int MAX_MESSAGE_CHARS = 1024;

    private AckFormat() {
    }

    public static byte[] encode(AckRecord record) {
        if (record instanceof ClockMarker c) {
            return new ByteWriter(10).u8(FORMAT).u8(CLOCK).i64(c.wallClockMs()).toByteArray();
        }
        AckBatch b = (AckBatch) record;
        ByteWriter w = new ByteWriter(16 + 52 * b.acks().size()).u8(FORMAT).u8(ACK_BATCH);
        writeAnswers(w, b);
        return w.toByteArray();
    }

    /**
     * Decodes an ack-topic record.
     *
     * @throws MalformedRecordException saying what is wrong
     */
    public static AckRecord decode(byte[] value) {
        ByteReader r = new ByteReader(value, "ack record");
        int format = r.u8("format");
        if (format != FORMAT) {
            throw new MalformedRecordException("ack record has format " + format + ", this node reads format " + FORMAT);
        }
        int kind = r.u8("kind");
        AckRecord decoded = switch (kind) {
            case ACK_BATCH -> readAnswers(r);
            case CLOCK -> new ClockMarker(r.i64("clock"));
            default -> throw new MalformedRecordException("ack record has unknown kind " + kind);
        };
        r.end();
        return decoded;
    }

    /**
     * {@code record} as JSON for people and scripts ({@code alldata tail}): answers as
     * {@code {"type":"acks","node":"node-2","answers":[{"key":"…","status":"OK"},{"key":"…","status":"CONFLICT","message":"…"}]}},
     * a clock marker as {@code {"type":"clock","wallClockMs":1764396000000,"wallClock":"2025-11-29T06:00:00Z"}}.
     */
    public static ObjectNode toJson(AckRecord record) {
        if (record instanceof ClockMarker c) {
            return Wire.json().createObjectNode().put("type", "clock").put("wallClockMs", c.wallClockMs())
                    .put("wallClock", Instant.ofEpochMilli(c.wallClockMs()).toString());
        }
        ObjectNode n = Wire.json().createObjectNode().put("type", "acks");
        putAnswers(n, (AckBatch) record);
        return n;
    }

    /** Puts the answering node and its answers into {@code n}. */
    static void putAnswers(ObjectNode n, AckBatch b) {
        n.put("node", b.node());
        ArrayNode answers = n.putArray("answers");
        for (Ack a : b.acks()) {
            ObjectNode answer = answers.addObject().put("key", a.key()).put("status", a.status().name());
            if (a.message() != null) {
                answer.put("message", a.message());
            }
        }
    }

    static void writeAnswers(ByteWriter w, AckBatch b) {
        w.str(b.node()).i32(b.acks().size());
        for (Ack a : b.acks()) {
            String m = a.message() == null ? "" : a.message();
            w.str(a.key()).u8(a.status().code()).str(m.length() > MAX_MESSAGE_CHARS ? m.substring(0, MAX_MESSAGE_CHARS) : m);
        }
    }

    static AckBatch readAnswers(ByteReader r) {
        String node = r.str("node");
        int n = r.count("answers", 2 + 1 + 2);
        List<Ack> acks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String key = r.str("key");
            Ack.Status status = Ack.Status.ofCode(r.u8("status"));
            String message = r.str("message");
            acks.add(new Ack(key, node, status, message.isEmpty() ? null : message));
        }
        return new AckBatch(node, acks);
    }
}
