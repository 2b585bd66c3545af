package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.AllDataKey;
import alldata.core.CommitLevel;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import alldata.core.PendingPut;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The validator over arbitrary records: it never throws, what it accepts is strict UTF-8 holding exactly
 * one JSON object cut verbatim from the value, its UTF-8 check agrees with the JDK's decoder, and every
 * object Jackson writes (within the limits) is accepted.
 */
class IngestValidatorProperties {
    private static final ObjectMapper JACKSON = new ObjectMapper();
    /** A default-configured reader, as a consumer of the stored events would have it. */
    private static final ObjectMapper STRICT_READER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final IngestLimits LIMITS = new IngestLimits(4096, 64, 256, 8);
    private static final long MAX_TIME = IngestValidator.MAX_TIMESTAMP_MS;
    /** The longest {@code <partition>-<offset>} id, which no limit applies to. */
    private static final int POSITION_ID_BYTES = (Integer.MIN_VALUE + "-" + Long.MIN_VALUE).length();

    /** A record as the validator sees it. */
    record Ingest(byte[] key, byte[] value, List<Tuple.Tuple2<String, byte[]>> headers, long timestampMs,
                  int partition, long offset) {
        Headers kafkaHeaders() {
            RecordHeaders h = new RecordHeaders();
            headers.forEach(t -> h.add(t.get1(), t.get2()));
            return h;
        }

        IngestDecision checkWith(IngestValidator v) {
            return v.check(key, value, kafkaHeaders(), timestampMs, partition, offset);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ingest i && Arrays.equals(key, i.key) && Arrays.equals(value, i.value)
                    && sameHeaders(i.headers) && timestampMs == i.timestampMs && partition == i.partition
                    && offset == i.offset;
        }

        private boolean sameHeaders(List<Tuple.Tuple2<String, byte[]>> other) {
            if (headers.size() != other.size()) {
                return false;
            }
            for (int n = 0; n < headers.size(); n++) {
                if (!headers.get(n).get1().equals(other.get(n).get1())
                        || !Arrays.equals(headers.get(n).get2(), other.get(n).get2())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value) * 31 + Long.hashCode(offset);
        }

        @Override
        public String toString() {
            return "Ingest[key=" + Arrays.toString(key) + ", value=" + Arrays.toString(value) + ", headers="
                    + headers.stream().map(t -> t.get1() + "=" + Arrays.toString(t.get2())).toList()
                    + ", timestampMs=" + timestampMs + ", partition=" + partition + ", offset=" + offset + "]";
        }
    }

    // (1)
    @Property
    void neverThrowsAndKeepsItsOutputsBounded(@ForAll("limits") IngestLimits limits, @ForAll("records") Ingest r) {
        IngestDecision d = r.checkWith(new IngestValidator(limits, CommitLevel.QUORUM));

        Statistics.label("decision").collect(d.getClass().getSimpleName());
        int idBytes = d.correlationId().getBytes(StandardCharsets.UTF_8).length;
        if (d instanceof IngestDecision.Rejected rejected) {
            assertThat(rejected.reason()).isNotBlank().hasSizeLessThanOrEqualTo(601)
                    .doesNotContainPattern("\\p{Cntrl}");
            assertThat(idBytes).isLessThanOrEqualTo(Math.max(Math.max(limits.maxKeyBytes(), POSITION_ID_BYTES),
                    IngestValidator.MAX_REPORTED_ID_BYTES));
        } else {
            IngestDecision.Accepted a = (IngestDecision.Accepted) d;
            assertThat(AllDataKey.parse(a.key()))
                    .isEqualTo(AllDataKey.ingest(r.timestampMs(), r.partition(), r.offset()));
            String position = r.partition() + "-" + r.offset();
            assertThat(a.correlationId().equals(position) || idBytes <= limits.maxKeyBytes()).isTrue();
        }
        assertSurvivesPendingEntryCodec(d.correlationId());
    }

    // (2)
    @Property
    void whatItAcceptsIsStrictUtf8HoldingOneJsonObjectCutVerbatimFromTheValue(@ForAll("values") byte[] value)
            throws IOException {
        IngestDecision d = new IngestValidator(LIMITS, CommitLevel.ONE).check(null, value, null, 0, 0, 0);

        Statistics.label("decision").collect(d.getClass().getSimpleName())
                .coverage(c -> c.check("Accepted").percentage(p -> p > 15));
        if (d instanceof IngestDecision.Accepted a) {
            assertThat(jdkInvalidAt(a.event())).isEqualTo(-1);
            JsonNode parsed = STRICT_READER.readTree(a.event());
            assertThat(parsed.isObject()).isTrue();
            int lead = 0;
            while (isJsonWhitespace(value[lead])) {
                lead++;
            }
            int end = lead + a.event().length;
            assertThat(Arrays.equals(value, lead, end, a.event(), 0, a.event().length)).isTrue();
            for (int i = end; i < value.length; i++) {
                assertThat(isJsonWhitespace(value[i])).isTrue();
            }
        }
    }

    // (3)
    @Property(tries = 2000)
    void itsUtf8CheckAgreesWithTheJdkDecoder(@ForAll("utf8ish") byte[] bytes) {
        int expected = jdkInvalidAt(bytes);

        Statistics.label("valid").collect(expected < 0);
        assertThat(StrictUtf8.invalidAt(bytes)).isEqualTo(expected);
        assertThat(StrictUtf8.isValid(bytes)).isEqualTo(expected < 0);
    }

    // (4)
    @Property
    void everyObjectJacksonWritesWithinTheLimitsIsAccepted(@ForAll("objects") Map<String, Object> object,
                                                           @ForAll boolean pretty) throws IOException {
        byte[] value = pretty
                ? JACKSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(object)
                : JACKSON.writeValueAsBytes(object);
        IngestValidator v = new IngestValidator(new IngestLimits(1 << 20, 64, 256, 8), CommitLevel.ALL);

        IngestDecision d = v.check(null, value, new RecordHeaders(), 0, 0, 0);

        assertThat(d).isInstanceOf(IngestDecision.Accepted.class);
        assertThat(((IngestDecision.Accepted) d).event()).isEqualTo(value);
    }

    // ---- arbitraries

    @Provide
    Arbitrary<IngestLimits> limits() {
        return Combinators.combine(Arbitraries.integers().between(2, 600), Arbitraries.integers().between(1, 300),
                Arbitraries.integers().between(1, 400), Arbitraries.integers().between(1, 10)).as(IngestLimits::new);
    }

    @Provide
    Arbitrary<Ingest> records() {
        Arbitrary<byte[]> key = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just((byte[]) null)),
                Tuple.of(3, utf8ish()),
                Tuple.of(1, Arbitraries.integers().between(0, 400).map(n -> new byte[n])));
        Arbitrary<String> headerName = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(IngestValidator.CORRELATION_HEADER)),
                Tuple.of(3, Arbitraries.just(IngestValidator.COMMIT_LEVEL_HEADER)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(30)));
        Arbitrary<byte[]> headerValue = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just((byte[]) null)),
                Tuple.of(3, Arbitraries.of("ONE", "quorum", " ALL ", "", " ", "MOST").map(IngestValidatorProperties::utf8)),
                Tuple.of(3, utf8ish()));
        Arbitrary<List<Tuple.Tuple2<String, byte[]>>> headers = Combinators.combine(headerName, headerValue)
                .as(Tuple::of).list().ofMaxSize(4);
        Arbitrary<Long> time = Arbitraries.oneOf(Arbitraries.longs().between(0, MAX_TIME + 1), Arbitraries.longs(),
                Arbitraries.of(-1L, 0L, MAX_TIME, MAX_TIME + 1, Long.MAX_VALUE, Long.MIN_VALUE));
        Arbitrary<Integer> partition = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(0, AllDataKey.MAX_PARTITION)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Long> offset = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.longs().greaterOrEqual(0)), Tuple.of(1, Arbitraries.longs()));
        return Combinators.combine(key, values(), headers, time, partition, offset).as(Ingest::new);
    }

    /** Mostly JSON objects (padded or mutated), some other JSON, some arbitrary bytes. */
    @Provide
    Arbitrary<byte[]> values() {
        Arbitrary<byte[]> json = objects().map(IngestValidatorProperties::json);
        Arbitrary<String> whitespace = Arbitraries.strings().withChars(" \t\r\n").ofMaxLength(4);
        Arbitrary<byte[]> padded = Combinators.combine(whitespace, json, whitespace)
                .as((before, o, after) -> concat(utf8(before), o, utf8(after)));
        Arbitrary<byte[]> mutated = Combinators.combine(json, Arbitraries.integers().between(1, 3), Arbitraries.randoms())
                .as(IngestValidatorProperties::mutate);
        Arbitrary<byte[]> otherJson = jsonValues(3).map(IngestValidatorProperties::json);
        return Arbitraries.frequencyOf(
                Tuple.of(4, json), Tuple.of(3, padded), Tuple.of(4, mutated), Tuple.of(1, otherJson),
                Tuple.of(1, utf8ish()), Tuple.of(1, Arbitraries.just((byte[]) null)));
    }

    @Provide
    Arbitrary<Map<String, Object>> objects() {
        return Arbitraries.maps(strings(), jsonValues(3)).ofMaxSize(4).map(LinkedHashMap::new);
    }

    /** JSON values nesting at most {@code depth} levels of maps and lists below their parent. */
    private Arbitrary<Object> jsonValues(int depth) {
        return Arbitraries.recursive(this::scalars,
                inner -> Arbitraries.oneOf(
                        Arbitraries.maps(strings(), inner).ofMaxSize(3).map(m -> (Object) new LinkedHashMap<>(m)),
                        inner.list().ofMaxSize(3).map(l -> (Object) l)),
                0, depth);
    }

    private Arbitrary<Object> scalars() {
        Arbitrary<Object> longest = Arbitraries.of("", "-")
                .map(sign -> (Object) new BigInteger(sign + "9".repeat(IngestValidator.MAX_NUMBER_CHARS)));
        return Arbitraries.frequencyOf(
                Tuple.of(4, strings().map(s -> (Object) s)),
                Tuple.of(2, Arbitraries.integers().map(i -> (Object) i)),
                Tuple.of(2, Arbitraries.longs().map(l -> (Object) l)),
                Tuple.of(2, Arbitraries.doubles().map(x -> (Object) x)),
                Tuple.of(1, Arbitraries.bigIntegers().map(i -> (Object) i)),
                Tuple.of(1, longest),
                Tuple.of(1, Arbitraries.of(true, false).map(b -> (Object) b)),
                Tuple.of(1, Arbitraries.just(null)));
    }

    /** Text of any code points (no lone surrogates: Jackson cannot write those). */
    private Arbitrary<String> strings() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x10FFFF)
                        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)));
        return codePoint.list().ofMaxSize(12).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    /**
     * Byte strings near the edges of UTF-8: ASCII runs (longer than the 8-byte fast path), well-formed
     * sequences of every length, and the ill-formed kinds (overlong, surrogate, above U+10FFFF, truncated,
     * stray continuation, bytes that never occur), concatenated at any alignment.
     */
    @Provide
    Arbitrary<byte[]> utf8ish() {
        Arbitrary<byte[]> ascii = Arbitraries.strings().ascii().ofMaxLength(20).map(IngestValidatorProperties::utf8);
        Arbitrary<byte[]> wellFormed = Arbitraries.oneOf(Arbitraries.integers().between(0x80, 0x7FF),
                        Arbitraries.integers().between(0x800, 0xFFFF), Arbitraries.integers().between(0x10000, 0x10FFFF))
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .map(cp -> utf8(new String(Character.toChars(cp))));
        Arbitrary<byte[]> truncated = wellFormed.map(b -> Arrays.copyOf(b, b.length - 1));
        Arbitrary<Byte> edge = Arbitraries.of(0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                        0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFE, 0xFF)
                .map(Integer::byteValue);
        Arbitrary<byte[]> edges = edge.list().ofMinSize(1).ofMaxSize(4).map(IngestValidatorProperties::bytes);
        // a lead byte and continuation bytes: overlong forms, surrogates and code points above U+10FFFF among them
        Arbitrary<Integer> lead = Arbitraries.oneOf(Arbitraries.integers().between(0xC0, 0xFF),
                Arbitraries.of(0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5));
        Arbitrary<byte[]> shaped = Combinators.combine(lead,
                        Arbitraries.integers().between(0x80, 0xBF).list().ofMinSize(1).ofMaxSize(3))
                .as((first, tail) -> {
                    byte[] b = new byte[tail.size() + 1];
                    b[0] = (byte) (int) first;
                    for (int i = 0; i < tail.size(); i++) {
                        b[i + 1] = (byte) (int) tail.get(i);
                    }
                    return b;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(6);
        return Arbitraries.frequencyOf(Tuple.of(3, ascii), Tuple.of(4, wellFormed), Tuple.of(1, truncated),
                        Tuple.of(2, edges), Tuple.of(2, shaped), Tuple.of(1, random))
                .list().ofMaxSize(12).map(parts -> concat(parts.toArray(byte[][]::new)));
    }

    // ---- helpers

    /** Where the JDK's strict decoder finds the first ill-formed input, or -1. */
    private static int jdkInvalidAt(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(bytes.length), true);
        return result.isError() ? in.position() : -1;
    }

    /** The pending-puts store keeps the correlation id: whatever it is, it must come back unchanged. */
    private static void assertSurvivesPendingEntryCodec(String id) {
        PendingPut put = PendingPut.start("k", "{}".getBytes(StandardCharsets.UTF_8), new alldata.core.Placement(
                List.of("n1"), List.of(), alldata.core.Placement.Adherence.MEETS_STRICT), CommitLevel.ONE, 1, 1000, 0).put();
        PendingEntryCodec codec = new PendingEntryCodec();
        PendingEntry entry = new PendingEntry(put, id, 0, 0, 0);
        if (!codec.decode(codec.encode(entry)).correlationId().equals(id)) {
            throw new AssertionError("correlation id does not survive the pending-entry codec");
        }
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static byte[] mutate(byte[] b, int times, Random random) {
        byte[] out = b;
        for (int i = 0; i < times && out.length > 0; i++) {
            int at = random.nextInt(out.length);
            out = switch (random.nextInt(3)) {
                case 0 -> {
                    byte[] c = out.clone();
                    c[at] = (byte) random.nextInt(256);
                    yield c;
                }
                case 1 -> concat(Arrays.copyOf(out, at), leadAndContinuations(random),
                        Arrays.copyOfRange(out, at, out.length));
                default -> concat(Arrays.copyOf(out, at), Arrays.copyOfRange(out, at + 1, out.length));
            };
        }
        return out;
    }

    /**
     * A lead byte and up to three continuation bytes: inside a JSON string, Jackson lets the overlong,
     * surrogate and above-U+10FFFF ones through.
     */
    private static byte[] leadAndContinuations(Random random) {
        int[] leads = {0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0x80 + random.nextInt(0x80)};
        byte[] b = new byte[1 + random.nextInt(4)];
        b[0] = (byte) leads[random.nextInt(leads.length)];
        for (int i = 1; i < b.length; i++) {
            b[i] = (byte) (0x80 + random.nextInt(0x40));
        }
        return b;
    }

    private static byte[] json(Object value) {
        try {
            return JACKSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(List<Byte> list) {
        byte[] b = new byte[list.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = list.get(i);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
