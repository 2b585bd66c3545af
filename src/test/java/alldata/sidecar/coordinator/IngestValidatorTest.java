package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.CommitLevel;
import alldata.core.PendingPut;
import alldata.core.Placement;
import alldata.core.SpreadRequirement;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class IngestValidatorTest {
    private static final int MAX_EVENT = 4096;
    private static final IngestLimits LIMITS = new IngestLimits(MAX_EVENT, 16_384, 16_384, 64);
    private static final long TIME = Instant.parse("2026-11-25T04:15:00.123Z").toEpochMilli();
    private static final int PARTITION = 3;
    private static final long OFFSET = 1234;
    private static final String LEVELS = "expected one of ONE, QUORUM, ALL";

    private final IngestValidator validator = new IngestValidator(LIMITS, CommitLevel.QUORUM);

    // ---- accepted events

    @Test
    void acceptsAnObjectAsProducedUnderItsIngestKey() {
        byte[] value = b("{\"a\":1,\"b\":[true,null,\"x\"]}");

        IngestDecision.Accepted a = accepted(value);

        assertThat(a.key()).isEqualTo("20261125T041500123-00003-0000000000000001234");
        assertThat(a.event()).isSameAs(value); // nothing to trim: no copy
        assertThat(a.level()).isEqualTo(CommitLevel.QUORUM);
        assertThat(a.correlationId()).isEqualTo("3-1234");
    }

    @Test
    void whitespaceAroundTheObjectIsTrimmedAndTheInnerBytesKeptExactly() {
        String inner = "{ \"a\" : 1.50e3 ,\n \"b\":\"\\u00e9\" }";

        IngestDecision.Accepted a = accepted(b(" \t\r\n" + inner + "\n\r\t "));

        assertThat(a.event()).isEqualTo(b(inner));
    }

    @Test
    void multiByteUtf8IsAcceptedByteIdentical() {
        byte[] value = b("{\"name\":\"café\",\"mood\":\"😀\",\"ключ\":\"中文\"}");

        assertThat(accepted(value).event()).isEqualTo(value);
    }

    @Test
    void anEventOfExactlyMaxEventBytesIsAccepted() {
        byte[] value = objectOfSize(MAX_EVENT);

        assertThat(accepted(value).event()).hasSize(MAX_EVENT);
    }

    @Test
    void nestingOfExactlyMaxDepthIsAccepted() {
        accepted(nested(64));
    }

    // ---- the value: presence, size

    @Test
    void aNullValueIsRejected() {
        assertThat(rejected((byte[]) null).reason()).contains("null").contains("tombstone");
    }

    @Test
    void anEmptyValueIsRejected() {
        assertThat(rejected(new byte[0]).reason()).contains("event is empty");
    }

    @Test
    void aValueOfOnlyWhitespaceIsRejected() {
        assertThat(rejected(b(" \n\t ")).reason()).contains("only whitespace");
    }

    @Test
    void anEventOverMaxEventBytesIsRejected() {
        assertThat(rejected(objectOfSize(MAX_EVENT + 1)).reason())
                .isEqualTo("event is 4097 bytes, over max.event.bytes 4096");
    }

    // ---- the value: encoding

    @Test
    void utf16LittleEndianWithoutBomIsRejected() {
        assertThat(rejected(b("{\"a\":1}", StandardCharsets.UTF_16LE)).reason())
                .startsWith("event is UTF-16LE, first bytes 7B 00 22 00").contains("must be UTF-8");
    }

    @Test
    void utf16BigEndianWithoutBomIsRejected() {
        assertThat(rejected(b("{\"a\":1}", StandardCharsets.UTF_16BE)).reason()).startsWith("event is UTF-16BE,");
    }

    @Test
    void utf16WithBomIsRejected() {
        // Java's UTF_16 writes a big-endian BOM
        assertThat(rejected(b("{\"a\":1}", StandardCharsets.UTF_16)).reason())
                .startsWith("event is UTF-16BE with a byte order mark, first bytes FE FF 00 7B");
        assertThat(rejected(concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, b("{\"a\":1}", StandardCharsets.UTF_16LE)))
                .reason()).startsWith("event is UTF-16LE with a byte order mark");
    }

    @Test
    void utf32LittleEndianIsRejected() {
        assertThat(rejected(b("{\"a\":1}", Charset.forName("UTF-32LE"))).reason()).startsWith("event is UTF-32LE,");
        assertThat(rejected(concat(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}, b("{}", Charset.forName("UTF-32LE"))))
                .reason()).startsWith("event is UTF-32LE with a byte order mark");
    }

    @Test
    void utf32BigEndianIsRejected() {
        assertThat(rejected(b("{\"a\":1}", Charset.forName("UTF-32BE"))).reason()).startsWith("event is UTF-32BE,");
        assertThat(rejected(concat(new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF}, b("{}", Charset.forName("UTF-32BE"))))
                .reason()).startsWith("event is UTF-32BE with a byte order mark");
    }

    @Test
    void aUtf8ByteOrderMarkIsRejectedNotStripped() {
        byte[] value = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b("{\"a\":1}"));

        assertThat(rejected(value).reason()).startsWith("event is UTF-8 with a byte order mark, first bytes EF BB BF 7B");
    }

    @Test
    void overlongEncodingsAreRejected() {
        assertThat(rejected(inString(0xC0, 0xAF)).reason())
                .isEqualTo("event is not valid UTF-8: overlong encoding (C0 AF) at byte 6");
        assertThat(rejected(inString(0xE0, 0x80, 0xAF)).reason()).contains("overlong encoding (E0 80 AF) at byte 6");
        assertThat(rejected(inString(0xF0, 0x80, 0x80, 0xAF)).reason()).contains("overlong encoding (F0 80 80 AF)");
    }

    @Test
    void aSurrogateIsRejected() {
        assertThat(rejected(inString(0xED, 0xA0, 0x80)).reason())
                .isEqualTo("event is not valid UTF-8: UTF-16 surrogate (U+D800..U+DFFF) (ED A0 80) at byte 6");
    }

    @Test
    void aCodePointAboveU10FFFFIsRejected() {
        assertThat(rejected(inString(0xF4, 0x90, 0x80, 0x80)).reason()).contains("code point above U+10FFFF (F4 90 80 80)");
        assertThat(rejected(inString(0xF5, 0x80, 0x80, 0x80)).reason()).contains("code point above U+10FFFF");
    }

    @Test
    void aTruncatedSequenceIsRejected() {
        assertThat(rejected(inString(0xE2, 0x82)).reason()).contains("truncated sequence (E2 82 22) at byte 6");
        byte[] cutAtTheEnd = concat(b("{\"a\":1}  "), new byte[] {(byte) 0xF0, (byte) 0x9F});
        assertThat(rejected(cutAtTheEnd).reason()).contains("truncated sequence (F0 9F) at byte 9");
    }

    @Test
    void aStrayContinuationByteIsRejected() {
        assertThat(rejected(inString(0x80)).reason()).contains("continuation byte without a lead byte (80) at byte 6");
    }

    @Test
    void aByteThatNeverOccursInUtf8IsRejected() {
        assertThat(rejected(inString(0xFF)).reason()).contains("byte that never occurs in UTF-8 (FF)");
    }

    @Test
    void aZeroByteInsideTheEventIsNotJson() {
        assertThat(rejected(b("{\"a\":1,\u0000\"b\":2}")).reason()).startsWith("event is not valid JSON").contains("code 0");
    }

    // ---- the value: JSON

    @Test
    void valuesThatAreNotAnObjectAreRejected() {
        assertThat(rejected(b("[1,2]")).reason()).isEqualTo("event is a JSON array, not a JSON object");
        assertThat(rejected(b("\"s\"")).reason()).isEqualTo("event is a JSON string, not a JSON object");
        assertThat(rejected(b("42")).reason()).isEqualTo("event is a JSON number, not a JSON object");
        assertThat(rejected(b("null")).reason()).isEqualTo("event is JSON null, not a JSON object");
        assertThat(rejected(b("true")).reason()).isEqualTo("event is a JSON boolean, not a JSON object");
    }

    @Test
    void contentAfterTheObjectIsRejected() {
        assertThat(rejected(b("{\"a\":1}x")).reason()).startsWith("event has content after its JSON object: ")
                .contains("'x'");
        assertThat(rejected(b("{\"a\":1} {\"b\":2}")).reason())
                .isEqualTo("event has content after its JSON object (another JSON object at byte 8)");
        assertThat(rejected(b("{}]")).reason()).startsWith("event has content after its JSON object");
    }

    @Test
    void invalidJsonIsRejectedWithWhereItBroke() {
        assertThat(rejected(b("{\"a\":}")).reason()).startsWith("event is not valid JSON: ").contains("at byte 5");
        assertThat(rejected(b("{\"a\":1")).reason()).startsWith("event is not valid JSON: ");
        assertThat(rejected(b("{'a':1}")).reason()).startsWith("event is not valid JSON: ");
        assertThat(rejected(b("{\"a\":NaN}")).reason()).startsWith("event is not valid JSON: ");
    }

    @Test
    void nestingDeeperThanMaxDepthIsRejected() {
        assertThat(rejected(nested(65)).reason()).isEqualTo("event nests deeper than max.event.depth 64 (at byte 320)");
    }

    @Test
    void a100kDeepEventIsRejectedWhereItPassesMaxDepthWithoutReadingFurther() {
        String deepArrays = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        String deepObjects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        IngestValidator big = new IngestValidator(new IngestLimits(2_000_000, 100, 100, 64), CommitLevel.ONE);

        // the byte offset shows the parser stopped at the 65th level, not at the end
        assertThat(rejected(big, b(deepArrays)).reason()).isEqualTo("event nests deeper than max.event.depth 64 (at byte 68)");
        assertThat(rejected(big, b(deepObjects)).reason()).isEqualTo("event nests deeper than max.event.depth 64 (at byte 320)");
        assertThat(rejected(big, b("[".repeat(100_000))).reason()).isEqualTo("event is a JSON array, not a JSON object");
    }

    @Test
    void numbersAndNamesBeyondJacksonsDefaultReaderLimitsAreRejectedNamingTheLimit() {
        accepted(b("{\"n\":" + "9".repeat(IngestValidator.MAX_NUMBER_CHARS) + "}"));
        IngestValidator big = new IngestValidator(new IngestLimits(100_000, 100, 100, 64), CommitLevel.ONE);

        assertThat(rejected(b("{\"n\":" + "9".repeat(1001) + "}")).reason())
                .isEqualTo("event exceeds a JSON reader limit: Number value length (1001) exceeds the maximum allowed (1000)");
        assertThat(rejected(big, b("{\"" + "k".repeat(50_001) + "\":1}")).reason())
                .isEqualTo("event exceeds a JSON reader limit: Name length (50001) exceeds the maximum allowed (50000)");
    }

    // ---- the record: timestamp, position, headers

    @Test
    void aTimestampInTheYear10000IsRejectedNotClamped() {
        long year10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();

        assertThat(rejected(validator.check(null, b("{}"), new RecordHeaders(), year10000, 0, 0)).reason())
                .isEqualTo("record timestamp 253402300800000 (+10000-01-01T00:00:00Z) is after 9999-12-31T23:59:59.999Z,"
                        + " the last time an AllData key (yyyyMMdd'T'HHmmssSSS) can carry");
        assertThat(rejected(validator.check(null, b("{}"), new RecordHeaders(), Long.MAX_VALUE, 0, 0)).reason())
                .startsWith("record timestamp 9223372036854775807 (");
        assertThat(accepted(validator.check(null, b("{}"), new RecordHeaders(), year10000 - 1, 0, 0)).key())
                .startsWith("99991231T235959999-");
    }

    @Test
    void aNegativeTimestampIsRejected() {
        assertThat(rejected(validator.check(null, b("{}"), new RecordHeaders(), -1, 0, 0)).reason())
                .startsWith("record timestamp -1 is negative");
    }

    @Test
    void aPartitionBeyondTheKeyLayoutIsRejected() {
        assertThat(rejected(validator.check(null, b("{}"), new RecordHeaders(), TIME, 100_000, 0)).reason())
                .isEqualTo("ingest partition 100000 is outside 0..99999, the partitions an AllData key can carry");
        assertThat(accepted(validator.check(null, b("{}"), new RecordHeaders(), TIME, 99_999, Long.MAX_VALUE)).key())
                .isEqualTo("20261125T041500123-99999-9223372036854775807");
    }

    @Test
    void headersOverMaxHeaderBytesAreRejected() {
        IngestValidator small = new IngestValidator(new IngestLimits(100, 100, 40, 8), CommitLevel.ONE);
        Headers fits = new RecordHeaders().add("trace", new byte[35]); // 5 + 35
        Headers over = new RecordHeaders().add("trace", new byte[30]).add("é", new byte[4]).add("n", null); // 5+30+2+4+1

        accepted(small.check(null, b("{}"), fits, TIME, 0, 0));
        IngestDecision.Rejected r = rejected(small.check(null, b("{}"), over, TIME, 0, 0));
        assertThat(r.reason()).isEqualTo("headers are 42 bytes, over max.header.bytes 40");
        assertThat(r.level()).isEqualTo(CommitLevel.ONE);
    }

    // ---- commit level

    @Test
    void theCommitLevelHeaderOverridesTheDefault() {
        assertThat(accepted(withHeader(IngestValidator.COMMIT_LEVEL_HEADER, "ALL")).level()).isEqualTo(CommitLevel.ALL);
        assertThat(accepted(withHeader(IngestValidator.COMMIT_LEVEL_HEADER, " one ")).level()).isEqualTo(CommitLevel.ONE);
    }

    @Test
    void anUnknownCommitLevelIsRejectedNamingTheAllowedValues() {
        IngestDecision.Rejected r = rejected(withHeader(IngestValidator.COMMIT_LEVEL_HEADER, "MOST"));

        assertThat(r.reason()).isEqualTo(
                "header alldata-commit-level: unknown commit level 'MOST'; expected one of ONE, QUORUM, ALL");
        assertThat(r.level()).isNull();
        assertThat(r.correlationId()).isEqualTo("3-1234");
        assertThat(rejected(withHeader(IngestValidator.COMMIT_LEVEL_HEADER, "")).reason()).contains("empty");
    }

    @Test
    void aHugeOrNonUtf8CommitLevelIsRejectedWithoutEchoingIt() {
        IngestDecision.Rejected huge = rejected(withHeader(IngestValidator.COMMIT_LEVEL_HEADER, new byte[10_000]));
        IngestDecision.Rejected binary = rejected(withHeader(IngestValidator.COMMIT_LEVEL_HEADER, new byte[] {'A', (byte) 0xC0}));
        IngestDecision.Rejected newline = rejected(withHeader(IngestValidator.COMMIT_LEVEL_HEADER, "A\nB"));

        assertThat(huge.reason()).isEqualTo("header alldata-commit-level is 10000 bytes, no commit level is that long;"
                + " expected one of ONE, QUORUM, ALL");
        assertThat(binary.reason()).startsWith("header alldata-commit-level is not valid UTF-8 (").endsWith(LEVELS);
        assertThat(newline.reason()).doesNotContain("\n").contains("'A B'");
    }

    // ---- fault domains

    private static final IngestValidator SPREAD = new IngestValidator(LIMITS, CommitLevel.QUORUM,
            new SpreadRequirement(2, 1), 3);

    @Test
    void theFaultDomainHeadersOverrideTheConfiguredRequirement() {
        IngestDecision none = SPREAD.check(null, b("{}"), new RecordHeaders(), TIME, PARTITION, OFFSET);
        IngestDecision both = SPREAD.check(null, b("{}"), new RecordHeaders()
                .add(IngestValidator.MIN_ZONES_HEADER, b("3")).add(IngestValidator.MIN_REGIONS_HEADER, b(" 2 ")),
                TIME, PARTITION, OFFSET);

        assertThat(accepted(none).spread()).isEqualTo(new SpreadRequirement(2, 1));
        assertThat(accepted(both).spread()).isEqualTo(new SpreadRequirement(3, 2));
        assertThat(accepted(check(b("{}"))).spread()).as("the library default").isEqualTo(SpreadRequirement.NONE);
    }

    @Test
    void aBadFaultDomainCountIsRejectedNamingTheHeaderAndTheAllowedRange() {
        for (String bad : List.of("0", "4", "-1", "two", "", "1.5", "+2", "99999999999")) {
            IngestDecision.Rejected r = rejected(SPREAD.check(null, b("{}"),
                    new RecordHeaders().add(IngestValidator.MIN_ZONES_HEADER, b(bad)), TIME, PARTITION, OFFSET));
            assertThat(r.reason()).as(bad).startsWith("header alldata-min-zones is ")
                    .endsWith("expected a number of zones from 1 to the replication factor 3");
            assertThat(r.level()).as("the commit level was fine").isEqualTo(CommitLevel.QUORUM);
            assertThat(r.correlationId()).isEqualTo("3-1234");
        }
        IngestDecision.Rejected regions = rejected(SPREAD.check(null, b("{}"),
                new RecordHeaders().add(IngestValidator.MIN_REGIONS_HEADER, new byte[] {'1', (byte) 0xC0}),
                TIME, PARTITION, OFFSET));
        assertThat(regions.reason()).startsWith("header alldata-min-regions is not valid UTF-8 (")
                .endsWith("expected a number of regions from 1 to the replication factor 3");
    }

    // ---- correlation id

    @Test
    void theCorrelationIdIsTheHeaderElseTheKeyElseThePosition() {
        Headers h = new RecordHeaders().add(IngestValidator.CORRELATION_HEADER, b("req-7"));
        Headers blank = new RecordHeaders().add(IngestValidator.CORRELATION_HEADER, b("  "));

        assertThat(accepted(validator.check(b("k"), b("{}"), h, TIME, 1, 2)).correlationId()).isEqualTo("req-7");
        assertThat(accepted(validator.check(b("k"), b("{}"), blank, TIME, 1, 2)).correlationId()).isEqualTo("k");
        assertThat(accepted(validator.check(null, b("{}"), blank, TIME, 1, 2)).correlationId()).isEqualTo("1-2");
        assertThat(accepted(validator.check(new byte[0], b("{}"), new RecordHeaders(), TIME, 1, 2)).correlationId())
                .isEqualTo("1-2");
    }

    @Test
    void aBinaryRecordKeyIsNoCorrelationIdThePositionIs() {
        byte[] binaryKey = {(byte) 0xFF, 0x00, 0x01};

        assertThat(accepted(validator.check(binaryKey, b("{}"), new RecordHeaders(), TIME, 1, 2)).correlationId())
                .isEqualTo("1-2");
    }

    @Test
    void a70KbCorrelationIdHeaderIsRejectedAndReportedUnderABoundedStandIn() {
        String id = "é" + "x".repeat(70 * 1024);
        IngestDecision.Rejected r = rejected(withHeader(IngestValidator.CORRELATION_HEADER, id));

        assertThat(r.reason()).isEqualTo("correlation id (header alldata-correlation-id) is 71682 bytes,"
                + " over max.key.bytes 16384");
        assertThat(r.correlationId()).startsWith("éxxx").endsWith("…(71682 bytes)");
        assertThat(r.correlationId().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(256);
        assertThat(r.level()).isEqualTo(CommitLevel.QUORUM);
    }

    @Test
    void a70KbRecordKeyUsedAsCorrelationIdIsRejectedAndReportedUnderABoundedStandIn() {
        byte[] key = b("😀".repeat(70 * 256)); // 71,680 bytes

        IngestDecision.Rejected r = rejected(validator.check(key, b("{}"), new RecordHeaders(), TIME, 1, 2));

        assertThat(r.reason()).isEqualTo("record key is 71680 bytes, over max.key.bytes 16384");
        assertThat(r.correlationId()).startsWith("😀😀").endsWith("😀…(71680 bytes)");
        assertThat(r.correlationId().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(256);
    }

    @Test
    void aLongRecordKeyIsRejectedEvenWhenTheHeaderGivesTheId() {
        Headers h = new RecordHeaders().add(IngestValidator.CORRELATION_HEADER, b("req-7"));

        IngestDecision.Rejected r = rejected(validator.check(new byte[16_385], b("{}"), h, TIME, 1, 2));

        assertThat(r.reason()).isEqualTo("record key is 16385 bytes, over max.key.bytes 16384");
        assertThat(r.correlationId()).isEqualTo("req-7");
    }

    @Test
    void aCorrelationIdHeaderThatIsNotUtf8IsRejected() {
        byte[] surrogate = {'i', 'd', (byte) 0xED, (byte) 0xA0, (byte) 0x80};

        IngestDecision.Rejected r = rejected(withHeader(IngestValidator.CORRELATION_HEADER, surrogate));

        assertThat(r.reason()).isEqualTo(
                "header alldata-correlation-id is not valid UTF-8: UTF-16 surrogate (U+D800..U+DFFF) (ED A0 80) at byte 2");
        assertThat(r.correlationId()).startsWith("id").endsWith("…(5 bytes)");
    }

    @Test
    void standInsStayWithinTheirBoundWhateverTheBytes() {
        for (byte[] id : List.of(new byte[300], filled(300, 0xFF), filled(100_000, 0x80), b("中".repeat(1000)))) {
            assertThat(IngestValidator.standIn(id).getBytes(StandardCharsets.UTF_8))
                    .hasSizeLessThanOrEqualTo(IngestValidator.MAX_REPORTED_ID_BYTES);
        }
        assertThat(IngestValidator.standIn(b("中".repeat(1000)))).doesNotContain("\uFFFD");
    }

    @Test
    void anIdOfMaxKeyBytesSurvivesThePendingEntryCodecWhateverItsCharacters() {
        IngestValidator widest = new IngestValidator(new IngestLimits(100, IngestLimits.MAX_KEY_BYTES, IngestLimits.MAX_KEY_BYTES + 1_000, 8),
                CommitLevel.ONE);
        String id = accepted(widest.check(null, b("{}"), new RecordHeaders()
                .add(IngestValidator.CORRELATION_HEADER, new byte[IngestLimits.MAX_KEY_BYTES]), TIME, 0, 0)).correlationId();
        PendingPut put = PendingPut.start("k", b("{}"), new Placement(List.of("n1"), List.of(),
                Placement.Adherence.MEETS_STRICT), CommitLevel.ONE, 1, 1000, 0).put();

        PendingEntry entry = new PendingEntry(put, id, 0, 0, 0);
        assertThat(new PendingEntryCodec().decode(new PendingEntryCodec().encode(entry)).correlationId()).isEqualTo(id);
    }

    // ---- never throws

    @Test
    void anUnexpectedFailureInsideBecomesARejection() {
        Headers broken = new RecordHeaders() {
            @Override
            public Header lastHeader(String key) {
                throw new IllegalStateException("headers went away");
            }
        };

        IngestDecision.Rejected r = rejected(validator.check(b("k"), b("{}"), broken, TIME, 1, 2));

        assertThat(r.reason()).isEqualTo("internal error validating record: java.lang.IllegalStateException: headers went away");
        assertThat(r.correlationId()).isEqualTo("1-2");
        assertThat(r.level()).isNull();
    }

    @Test
    void anUnexpectedFailureAfterTheCorrelationIdKeepsTheId() {
        Headers broken = new RecordHeaders() {
            @Override
            public Iterator<Header> iterator() {
                throw new IllegalStateException("headers went away");
            }
        };
        broken.add(IngestValidator.CORRELATION_HEADER, b("req-7"));

        IngestDecision.Rejected r = rejected(validator.check(b("k"), b("{}"), broken, TIME, 1, 2));

        assertThat(r.reason()).startsWith("internal error validating record: ");
        assertThat(r.correlationId()).isEqualTo("req-7");
    }

    @Test
    void reasonsAreOneBoundedLine() {
        Headers broken = new RecordHeaders() {
            @Override
            public Header lastHeader(String key) {
                throw new IllegalStateException("line\u2028line\r\n".repeat(500));
            }
        };

        String reason = rejected(validator.check(null, b("{}"), broken, TIME, 1, 2)).reason();

        assertThat(reason).doesNotContainPattern("[\\r\\n\u2028]").hasSize(601).endsWith("…")
                .startsWith("internal error validating record: java.lang.IllegalStateException: line line");
    }

    // ---- limits

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new IngestLimits(1, 10, 10, 10)).hasMessageContaining("max.event.bytes must be at least 2");
        assertThatThrownBy(() -> new IngestLimits(10, 0, 10, 10)).hasMessageContaining("max.key.bytes must be within 1..1048576");
        assertThatThrownBy(() -> new IngestLimits(10, (1 << 20) + 1, 10, 10)).hasMessageContaining("max.key.bytes");
        assertThatThrownBy(() -> new IngestLimits(10, 10, 0, 10)).hasMessageContaining("max.header.bytes must be positive");
        assertThatThrownBy(() -> new IngestLimits(10, 10, 10, 0)).hasMessageContaining("max.event.depth must be within 1..1000");
        assertThatThrownBy(() -> new IngestLimits(10, 10, 10, 1001)).hasMessageContaining("max.event.depth");
    }

    // ---- helpers

    private IngestDecision check(byte[] value) {
        return validator.check(null, value, new RecordHeaders(), TIME, PARTITION, OFFSET);
    }

    private IngestDecision withHeader(String name, String value) {
        return withHeader(name, b(value));
    }

    private IngestDecision withHeader(String name, byte[] value) {
        return validator.check(null, b("{}"), new RecordHeaders().add(name, value), TIME, PARTITION, OFFSET);
    }

    private IngestDecision.Accepted accepted(byte[] value) {
        return accepted(check(value));
    }

    private static IngestDecision.Accepted accepted(IngestDecision d) {
        assertThat(d).isInstanceOf(IngestDecision.Accepted.class);
        return (IngestDecision.Accepted) d;
    }

    private IngestDecision.Rejected rejected(byte[] value) {
        return rejected(check(value));
    }

    private static IngestDecision.Rejected rejected(IngestValidator v, byte[] value) {
        return rejected(v.check(null, value, new RecordHeaders(), TIME, PARTITION, OFFSET));
    }

    private static IngestDecision.Rejected rejected(IngestDecision d) {
        assertThat(d).isInstanceOf(IngestDecision.Rejected.class);
        return (IngestDecision.Rejected) d;
    }

    /** {@code {"a":"<bytes>"}}: the bytes start at offset 6. */
    private static byte[] inString(int... bytes) {
        byte[] middle = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            middle[i] = (byte) bytes[i];
        }
        return concat(b("{\"a\":\""), middle, b("\"}"));
    }

    /** {@code {"a":{"a":...1...}}} with {@code depth} objects. */
    private static byte[] nested(int depth) {
        return b("{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1));
    }

    private static byte[] objectOfSize(int size) {
        return b("{\"a\":\"" + "x".repeat(size - 8) + "\"}");
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] b(String s, Charset charset) {
        return s.getBytes(charset);
    }
}
