package alldata.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each binary format decoded to the JSON {@code alldata tail} prints, and bytes rendered as json, text or base64. */
class FormatsAsJsonTest {
    private static final String KEY = "20261129T060000000-00003-0000000000000000042";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPutBatchShowsEachPutWithItsEventAsJson() {
        PutBatch batch = new PutBatch("node-1", new ReplyTo.AckPartition(3), List.of(
                new PutCommand(KEY, utf8("{\"sensor\":\"s-1\",\n \"value\":21.50}"), 1, 3, List.of("node-1", "node-2", "node-3")),
                new PutCommand(KEY, new byte[] {(byte) 0xff, 0x00, '{'}, 2, 3, List.of("node-4"))));
        assertThat(CommandFormat.toJson(CommandFormat.decode(CommandFormat.encode(batch))).toString()).isEqualTo(
                "{\"type\":\"puts\",\"origin\":\"node-1\",\"replyTo\":{\"ackPartition\":3},\"puts\":["
                        + "{\"key\":\"" + KEY + "\",\"attempt\":1,\"replicationFactor\":3,\"replicas\":[\"node-1\",\"node-2\",\"node-3\"],"
                        + "\"eventEncoding\":\"json\",\"event\":{\"sensor\":\"s-1\",  \"value\":21.50}},"
                        + "{\"key\":\"" + KEY + "\",\"attempt\":2,\"replicationFactor\":3,\"replicas\":[\"node-4\"],"
                        + "\"eventEncoding\":\"base64\",\"event\":\"/wB7\"}]}");
    }

    @Test
    void aPutBatchThatWantsRepliesOnANodeNamesIt() {
        ObjectNode n = CommandFormat.toJson(new PutBatch("node-2", new ReplyTo.Node("node-2"), List.of()));
        assertThat(n.toString()).isEqualTo("{\"type\":\"puts\",\"origin\":\"node-2\",\"replyTo\":{\"node\":\"node-2\"},\"puts\":[]}");
    }

    @Test
    void aReplyBatchShowsItsAnswers() {
        ReplyBatch replies = new ReplyBatch(new AckBatch("node-3", List.of(Ack.ok(KEY, "node-3"),
                Ack.error(KEY, "node-3", "disk full"))));
        assertThat(CommandFormat.toJson(CommandFormat.decode(CommandFormat.encode(replies))).toString()).isEqualTo(
                "{\"type\":\"replies\",\"node\":\"node-3\",\"answers\":[{\"key\":\"" + KEY + "\",\"status\":\"OK\"},"
                        + "{\"key\":\"" + KEY + "\",\"status\":\"ERROR\",\"message\":\"disk full\"}]}");
    }

    @Test
    void anAckBatchShowsEachAnswer() {
        AckBatch acks = new AckBatch("node-2", List.of(Ack.ok(KEY, "node-2"), Ack.conflict(KEY, "node-2")));
        assertThat(AckFormat.toJson(AckFormat.decode(AckFormat.encode(acks))).toString()).isEqualTo(
                "{\"type\":\"acks\",\"node\":\"node-2\",\"answers\":[{\"key\":\"" + KEY + "\",\"status\":\"OK\"},"
                        + "{\"key\":\"" + KEY + "\",\"status\":\"CONFLICT\",\"message\":\"node node-2 holds a different event under key "
                        + KEY + "\"}]}");
    }

    @Test
    void aClockMarkerShowsItsTimeInMillisecondsAndAsAnInstant() {
        assertThat(AckFormat.toJson(AckFormat.decode(AckFormat.encode(new ClockMarker(1_795_932_000_000L)))).toString())
                .isEqualTo("{\"type\":\"clock\",\"wallClockMs\":1795932000000,\"wallClock\":\"2026-11-29T06:00:00Z\"}");
    }

    @Test
    void bytesAreJsonOnlyWhenTheyAreOneJsonValueInStrictUtf8() {
        ObjectNode n = Wire.json().createObjectNode();
        JsonBytes.putJsonOrBase64(n, "a", utf8(" [1, \"é\"]\r\n"));
        JsonBytes.putJsonOrBase64(n, "b", utf8("{\"a\":1} {\"b\":2}"));
        JsonBytes.putJsonOrBase64(n, "c", utf8("not json"));
        JsonBytes.putJsonOrBase64(n, "d", new byte[] {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}'});
        assertThat(n.toString()).isEqualTo("{\"aEncoding\":\"json\",\"a\": [1, \"é\"]  ,"
                + "\"bEncoding\":\"base64\",\"b\":\"eyJhIjoxfSB7ImIiOjJ9\","
                + "\"cEncoding\":\"base64\",\"c\":\"bm90IGpzb24=\","
                + "\"dEncoding\":\"base64\",\"d\":\"eyLAryI6MX0=\"}");
    }

    @Test
    void bytesAreTextWhenTheyAreStrictUtf8() {
        ObjectNode n = Wire.json().createObjectNode();
        JsonBytes.putTextOrBase64(n, "a", utf8("not json \"quoted\"\n"));
        JsonBytes.putTextOrBase64(n, "b", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        assertThat(n.toString()).isEqualTo("{\"aEncoding\":\"text\",\"a\":\"not json \\\"quoted\\\"\\n\","
                + "\"bEncoding\":\"base64\",\"b\":\"7aCA\"}");
    }
}
