package alldata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eventObjectKeepsTheExactBytesOfTheObject() {
        byte[] event = b("{ \"n\" : 1.50, \"s\":\"caf\\u00e9 ☕\", \"big\": 123456789012345678901234567890 }");
        assertThat(Wire.eventObject(event)).isEqualTo(event);
    }

    @Test
    void eventObjectDropsOnlySurroundingWhitespace() {
        assertThat(Wire.eventObject(b("  {\"a\":1}\n"))).isEqualTo(b("{\"a\":1}"));
    }

    @Test
    void eventObjectRejectsEverythingThatIsNotOneObject() {
        assertThatThrownBy(() -> Wire.eventObject(b("not json"))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Wire.eventObject(b("[1]"))).hasMessageContaining("not a JSON object").hasMessageContaining("an array");
        assertThatThrownBy(() -> Wire.eventObject(b("\"s\""))).hasMessageContaining("a string");
        assertThatThrownBy(() -> Wire.eventObject(b("{\"a\":1} {\"b\":2}"))).hasMessageContaining("content after");
        assertThatThrownBy(() -> Wire.eventObject(b("{\"a\":"))).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Wire.eventObject(b(""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> Wire.eventObject(null)).hasMessageContaining("null");
        assertThatThrownBy(() -> Wire.eventObject(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}))
                .isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void ackAndOutcomeAndMemberRoundTripWithDesignFieldNames() throws Exception {
        Ack ack = new Ack("k", "node-2", Ack.Status.CONFLICT, "different");
        assertThat(Wire.decode(Wire.encode(ack), Ack.class)).isEqualTo(ack);
        assertThat(Wire.json().readTree(Wire.encode(Ack.ok("k", "n"))).has("message")).isFalse();

        PutOutcome o = new PutOutcome("k", "c", PutOutcome.Status.COMMITTED, "QUORUM", 2, List.of("a", "b"),
                List.of("a", "b", "c"), 0, null, null, new PutOutcome.IngestPosition(1, 7));
        var tree = Wire.json().readTree(Wire.encode(o));
        assertThat(tree.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("key", "correlationId", "status", "commitLevel", "required", "acked", "replicas", "owed",
                        "ingest");
        assertThat(tree.get("ingest").get("offset").asLong()).isEqualTo(7);
        assertThat(Wire.decode(Wire.encode(o), PutOutcome.class)).isEqualTo(o);

        MemberRecord m = new MemberRecord("n", "a", "r", "t", "h:1", MemberRecord.State.UP, 5);
        assertThat(Wire.decode(Wire.encode(m), MemberRecord.class)).isEqualTo(m);
        assertThat(Wire.decode(b("{\"node\":\"n\",\"zone\":\"a\",\"region\":\"r\",\"state\":\"LEAVING\",\"heartbeatMs\":1,\"extra\":true}"),
                MemberRecord.class).state()).isEqualTo(MemberRecord.State.LEAVING);
    }

    @Test
    void memberRecordsCarryTheIncarnationAndReadOlderAndNewerRecords() throws Exception {
        MemberRecord m = new MemberRecord("n", "a", "r", "t", "h:1", MemberRecord.State.DRAINING, 5, "inc-1", 4);
        assertThat(Wire.decode(Wire.encode(m), MemberRecord.class)).isEqualTo(m);
        var tree = Wire.json().readTree(Wire.encode(m));
        assertThat(tree.get("state").asText()).isEqualTo("DRAINING");
        assertThat(tree.get("incarnation").asText()).isEqualTo("inc-1");
        assertThat(tree.get("incarnationStartMs").asLong()).isEqualTo(4);
        // a record of a node that predates incarnations
        MemberRecord old = Wire.decode(b("{\"node\":\"n\",\"zone\":\"a\",\"region\":\"r\",\"state\":\"UP\",\"heartbeatMs\":1}"),
                MemberRecord.class);
        assertThat(old.incarnation()).isNull();
        assertThat(old.incarnationStartMs()).isZero();
        assertThat(Wire.json().readTree(Wire.encode(old)).has("incarnation")).isFalse();
        // a state of a later version is not live
        assertThat(Wire.decode(b("{\"node\":\"n\",\"zone\":\"a\",\"region\":\"r\",\"state\":\"HIBERNATING\",\"heartbeatMs\":1}"),
                MemberRecord.class).state()).isEqualTo(MemberRecord.State.LEAVING);
    }

    @Test
    void malformedWireRecordsGetAClearError() {
        assertThatThrownBy(() -> Wire.decode(b("{\"key\":\"k\"}"), Ack.class)).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("not a valid Ack");
        assertThatThrownBy(() -> Wire.decode(b("{\"key\":\"k\",\"node\":\"n\",\"status\":\"MAYBE\"}"), Ack.class))
                .isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> Wire.decode(null, Ack.class)).hasMessageContaining("null");
    }
}
