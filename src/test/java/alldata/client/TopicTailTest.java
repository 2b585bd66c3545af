package alldata.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.client.TopicTail.Kind;
import alldata.client.TopicTail.Target;
import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.AllDataHeaders;
import alldata.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Which topic a name stands for, and each kind of record as the JSON line {@code alldata tail} prints. */
class TopicTailTest {
    private static final Topics TOPICS = new Topics("prod.");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 2, 17, 1_795_932_000_000L, TimestampType.CREATE_TIME, -1, -1, key, value, headers,
                Optional.empty());
    }

    @Test
    void shortNamesAndFullNamesResolveUnderThePrefix() {
        assertThat(TopicTail.resolve(TOPICS, "ingest")).isEqualTo(new Target("prod.ingest", Kind.INGEST));
        assertThat(TopicTail.resolve(TOPICS, "acks")).isEqualTo(new Target("prod.acks", Kind.ACKS));
        assertThat(TopicTail.resolve(TOPICS, "results")).isEqualTo(new Target("prod.results", Kind.RESULTS));
        assertThat(TopicTail.resolve(TOPICS, "membership")).isEqualTo(new Target("prod.membership", Kind.MEMBERSHIP));
        assertThat(TopicTail.resolve(TOPICS, "dead-letter")).isEqualTo(new Target("prod.dead-letter", Kind.DEAD_LETTER));
        assertThat(TopicTail.resolve(TOPICS, "commands:node-2"))
                .isEqualTo(new Target("prod.node.node-2.commands", Kind.COMMANDS));
        assertThat(TopicTail.resolve(TOPICS, "prod.results")).isEqualTo(new Target("prod.results", Kind.RESULTS));
        assertThat(TopicTail.resolve(TOPICS, "prod.node.node-2.commands"))
                .isEqualTo(new Target("prod.node.node-2.commands", Kind.COMMANDS));
    }

    @Test
    void anUnknownNameIsRefusedNamingTheKnownOnes() {
        for (String name : List.of("alldata.results", "result", "commands:", "prod.node..commands")) {
            assertThatThrownBy(() -> TopicTail.resolve(TOPICS, name)).as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + name + "' is no AllData topic under prefix 'prod.'")
                    .hasMessageContaining("ingest, acks, results, membership, dead-letter or commands:<node>");
        }
    }

    @Test
    void anAckRecordIsDecoded() {
        byte[] value = AckFormat.encode(new AckBatch("node-2", List.of(Ack.ok("k1", "node-2"))));
        assertThat(TopicTail.describe(Kind.ACKS, record("prod.acks", null, value, new RecordHeaders())).toString())
                .isEqualTo("{\"topic\":\"prod.acks\",\"partition\":2,\"offset\":17,\"timestamp\":1795932000000,"
                        + "\"value\":{\"type\":\"acks\",\"node\":\"node-2\",\"answers\":[{\"key\":\"k1\",\"status\":\"OK\"}]}}");
    }

    @Test
    void aCommandThatDoesNotDecodeComesAsBase64WithTheReason() {
        assertThat(TopicTail.describe(Kind.COMMANDS, record("prod.node.n.commands", null, new byte[] {9, 9},
                new RecordHeaders())).toString()).isEqualTo("{\"topic\":\"prod.node.n.commands\",\"partition\":2,\"offset\":17,"
                + "\"timestamp\":1795932000000,\"error\":\"command record has format 9, this node reads format 2\","
                + "\"valueEncoding\":\"base64\",\"value\":\"CQk=\"}");
    }

    @Test
    void aResultIsShownAsTheJsonItIs() {
        String outcome = "{\"key\":\"k1\",\"correlationId\":\"c-1\",\"status\":\"COMMITTED\"}";
        assertThat(TopicTail.describe(Kind.RESULTS, record("prod.results", utf8("c-1"), utf8(outcome), new RecordHeaders()))
                .toString()).isEqualTo("{\"topic\":\"prod.results\",\"partition\":2,\"offset\":17,\"timestamp\":1795932000000,"
                + "\"key\":\"c-1\",\"valueEncoding\":\"json\",\"value\":" + outcome + "}");
    }

    @Test
    void aMembershipTombstoneSaysSo() {
        assertThat(TopicTail.describe(Kind.MEMBERSHIP, record("prod.membership", utf8("node-3"), null, new RecordHeaders()))
                .toString()).isEqualTo("{\"topic\":\"prod.membership\",\"partition\":2,\"offset\":17,\"timestamp\":1795932000000,"
                + "\"key\":\"node-3\",\"value\":null,\"tombstone\":true}");
    }

    @Test
    void aDeadLetterShowsItsValueAsTextOrBase64AndItsAllDataHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(AllDataHeaders.ERROR, utf8("event is UTF-16LE"));
        headers.add(AllDataHeaders.INGEST_OFFSET, utf8("41"));
        headers.add(AllDataHeaders.CORRELATION_ID, new byte[] {(byte) 0xff});
        headers.add("traceparent", utf8("00-abc"));
        byte[] utf16 = "{}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(TopicTail.describe(Kind.DEAD_LETTER, record("prod.dead-letter", new byte[] {(byte) 0xfe}, utf16, headers))
                .toString()).isEqualTo("{\"topic\":\"prod.dead-letter\",\"partition\":2,\"offset\":17,\"timestamp\":1795932000000,"
                + "\"key\":\"/g==\",\"keyEncoding\":\"base64\",\"valueEncoding\":\"text\",\"value\":\"{\\u0000}\\u0000\","
                + "\"headers\":{\"alldata-error\":\"event is UTF-16LE\",\"alldata-ingest-offset\":\"41\","
                + "\"alldata-correlation-id\":{\"base64\":\"/w==\"}}}");
        assertThat(TopicTail.describe(Kind.INGEST, record("prod.ingest", null, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new RecordHeaders())).toString()).isEqualTo("{\"topic\":\"prod.ingest\",\"partition\":2,\"offset\":17,"
                + "\"timestamp\":1795932000000,\"valueEncoding\":\"base64\",\"value\":\"wK8=\"}");
    }
}
