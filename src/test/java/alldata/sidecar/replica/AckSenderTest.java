package alldata.sidecar.replica;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.ClockMarker;
import alldata.protocol.CommandFormat;
import alldata.protocol.ReplyBatch;
import alldata.protocol.ReplyTo;
import alldata.protocol.Topics;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class AckSenderTest {
    private static final Topics TOPICS = Topics.defaults();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final AckSender sender = new AckSender(producer, TOPICS);

    @Test
    void oneRecordPerRouteInTheOrderTheRoutesFirstAppeared() {
        Answers answers = new Answers("n1");
        answers.add(new ReplyTo.AckPartition(4), Ack.ok("a", "n1"));
        answers.add(new ReplyTo.Node("n9"), Ack.ok("b", "n1"));
        answers.add(new ReplyTo.AckPartition(4), Ack.conflict("c", "n1"));

        assertThat(sender.send(answers, (md, e) -> { })).isEqualTo(2);

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent.get(0).topic()).isEqualTo(TOPICS.acks());
        assertThat(sent.get(0).partition()).isEqualTo(4);
        assertThat(AckFormat.decode(sent.get(0).value()))
                .isEqualTo(new AckBatch("n1", List.of(Ack.ok("a", "n1"), Ack.conflict("c", "n1"))));
        assertThat(sent.get(1).topic()).isEqualTo(TOPICS.commands("n9"));
        assertThat(CommandFormat.decode(sent.get(1).value()))
                .isEqualTo(new ReplyBatch(new AckBatch("n1", List.of(Ack.ok("b", "n1")))));
    }

    @Test
    void answersTooManyForOneRecordAreSplitKeepingTheirOrder() {
        String message = "x".repeat(1000);
        List<Ack> many = IntStream.range(0, 3000).mapToObj(i -> Ack.error("key-" + i, "n1", message)).toList();
        Answers answers = new Answers("n1");
        many.forEach(a -> answers.add(new ReplyTo.AckPartition(2), a));

        int records = sender.send(answers, (md, e) -> { });

        assertThat(records).isGreaterThan(1).isEqualTo(producer.history().size());
        assertThat(producer.history()).allSatisfy(r -> {
            assertThat(r.partition()).isEqualTo(2);
            assertThat(r.value().length).isLessThanOrEqualTo(AckSender.MAX_RECORD_BYTES);
        });
        assertThat(producer.history().stream().flatMap(r -> ((AckBatch) AckFormat.decode(r.value())).acks().stream()))
                .containsExactlyElementsOf(many);
    }

    @Test
    void clockMarkersGoToTheirAckPartition() {
        sender.sendClock(3, 1234L);

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.partition()).isEqualTo(3);
            assertThat(AckFormat.decode(r.value())).isEqualTo(new ClockMarker(1234L));
        });
    }
}
