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
    void aMemberSaysHttpsOnlyWhenItSpeaksItSoOlderRecordsMeanHttp() throws Exception {
        MemberRecord plain = new MemberRecord("n", "a", "r", "t", "h:1", MemberRecord.State.UP, 5);
        assertThat(Wire.json().readTree(Wire.encode(plain)).has("https")).isFalse();
        assertThat(plain.httpUrl()).isEqualTo("http://h:1");
        MemberRecord tls = new MemberRecord("n", "a", "r", "t", "h:1", MemberRecord.State.UP, 5, true, null, 0);
        assertThat(Wire.json().readTree(Wire.encode(tls)).get("https").asBoolean()).isTrue();
        assertThat(Wire.decode(Wire.encode(tls), MemberRecord.class)).isEqualTo(tls);
        assertThat(tls.httpUrl()).isEqualTo("https://h:1");
        assertThat(tls.withState(MemberRecord.State.LEAVING, 6).https()).isTrue();
        MemberRecord old = Wire.decode(b("{\"node\":\"n\",\"zone\":\"a\",\"region\":\"r\",\"commandTopic\":\"t\","
                + "\"http\":\"h:1\",\"state\":\"UP\",\"heartbeatMs\":5}"), MemberRecord.class);
        assertThat(old).isEqualTo(plain);
        assertThat(new MemberRecord("n", "a", "r", "t", null, MemberRecord.State.UP, 5).httpUrl()).isNull();
    }

    @Test
    void memberRecordsCarryTheIncarnationAndReadOlderAndNewerRecords() throws Exception {
        MemberRecord m = new MemberRecord("n", "a", "r", "t", "h:1", MemberRecord.State.DRAINING, 5, false, "inc-1", 4);
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
