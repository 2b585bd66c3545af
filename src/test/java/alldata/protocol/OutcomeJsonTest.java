package alldata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The hand-written outcome codec says exactly what data binding says, both ways. */
class OutcomeJsonTest {

    @Provide
    Arbitrary<PutOutcome> outcomes() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(30);
        Arbitrary<String> maybe = text.injectNull(0.3);
        Arbitrary<List<String>> nodes = Arbitraries.strings().alpha().ofMaxLength(8).list().ofMaxSize(5);
        return Combinators.combine(maybe, text, Arbitraries.of(PutOutcome.Status.class), maybe,
                Arbitraries.integers().between(0, 5), nodes, nodes, Arbitraries.integers().between(0, 4))
                .flatAs((key, corr, status, level, required, acked, replicas, owed) ->
                        Combinators.combine(nodes.injectNull(0.5), maybe,
                                Combinators.combine(Arbitraries.integers().between(0, 99_999),
                                        Arbitraries.longs().greaterOrEqual(0)).as(PutOutcome.IngestPosition::new).injectNull(0.2),
                                placements().injectNull(0.3))
                                .as((storedOn, error, ingest, placement) -> new PutOutcome(key, corr, status, level, required,
                                        acked, replicas, owed, storedOn, error, ingest, placement)));
    }

    private static Arbitrary<PutOutcome.PlacementReport> placements() {
        Arbitrary<List<String>> names = Arbitraries.strings().alpha().ofMaxLength(6).list().ofMaxSize(3);
        return Combinators.combine(names, names, names, names, Arbitraries.integers().between(1, 5),
                Arbitraries.integers().between(1, 5), Arbitraries.of(true, false),
                Arbitraries.strings().ofMaxLength(30).injectNull(0.5)).as(PutOutcome.PlacementReport::new);
    }

    @Property
    void encodesWhatDataBindingEncodes(@ForAll("outcomes") PutOutcome o) throws Exception {
        assertThat(Wire.json().readTree(OutcomeJson.encode(o))).isEqualTo(Wire.json().readTree(Wire.encode(o)));
    }

    @Property
    void decodesWhatDataBindingWrites(@ForAll("outcomes") PutOutcome o) {
        assertThat(OutcomeJson.decode(Wire.encode(o))).isEqualTo(o);
        assertThat(OutcomeJson.decode(OutcomeJson.encode(o))).isEqualTo(o);
    }

    @Test
    void skipsUnknownFieldsAndRefusesWhatIsNotAnOutcome() {
        PutOutcome o = OutcomeJson.decode(("{\"future\":{\"x\":[1,{\"y\":2}]},\"correlationId\":\"c\",\"status\":\"FAILED\","
                + "\"required\":0,\"acked\":[],\"replicas\":[]}").getBytes(StandardCharsets.UTF_8));
        assertThat(o.correlationId()).isEqualTo("c");
        assertThatThrownBy(() -> OutcomeJson.decode("[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> OutcomeJson.decode("{\"status\":\"COMMITTED\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> OutcomeJson.decode("{\"correlationId\":\"c\",\"status\":\"MAYBE\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> OutcomeJson.decode(null)).isInstanceOf(MalformedRecordException.class);
    }
}
