package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllDataKeyTest {
    private static final Instant T = Instant.parse("2026-11-25T04:15:00.123Z");
    private static final String INGEST = "20261125T041500123-00003-0000000000000001234";
    private static final String GENERATED = "20261125T041500123000000042";
    /** Largest time a key can hold: 9999-12-31T23:59:59.999Z. */
    private static final long MAX_MS = 253_402_300_799_999L;
    /** Smallest time a key can hold: 0000-01-01T00:00:00Z. */
    private static final long YEAR_0_MS = -62_167_219_200_000L;

    // ---- layouts ----

    @Test
    void ingestKeyHasTheDesignLayout() {
        assertThat(AllDataKey.ingest(T.toEpochMilli(), 3, 1234).value()).isEqualTo(INGEST);
    }

    @Test
    void ingestKeyIs44Characters() {
        assertThat(AllDataKey.ingest(T.toEpochMilli(), 3, 1234).value()).hasSize(44);
        assertThat(AllDataKey.ingest(MAX_MS, AllDataKey.MAX_PARTITION, Long.MAX_VALUE).value()).hasSize(44);
        assertThat(AllDataKey.ingest(0, 0, 0).value()).hasSize(44);
    }

    @Test
    void ingestKeyDependsOnlyOnTimestampPartitionAndOffset() {
        assertThat(AllDataKey.ingest(T.toEpochMilli(), 3, 1234).value())
                .isEqualTo(AllDataKey.ingest(T.toEpochMilli(), 3, 1234).value());
    }

    @Test
    void generatedKeyHasTheSeedLayout() {
        assertThat(new AllDataKey.Generated(T, 42).value()).isEqualTo(GENERATED).hasSize(27);
    }

    @Test
    void timePrefixIsTheFirst18CharactersOfEveryKeyAtThatMillisecond() {
        assertThat(AllDataKey.timePrefix(T)).isEqualTo("20261125T041500123");
        assertThat(INGEST).startsWith(AllDataKey.timePrefix(T));
        assertThat(GENERATED).startsWith(AllDataKey.timePrefix(T));
    }

    // ---- parsing ----

    @Test
    void ingestKeyParsesBackIntoItsParts() {
        AllDataKey k = AllDataKey.parse(INGEST);
        assertThat(k).isEqualTo(new AllDataKey.Ingest(T, 3, 1234));
        assertThat(k.time()).isEqualTo(T);
    }

    @Test
    void generatedKeyParsesBackIntoItsParts() {
        assertThat(AllDataKey.parse(GENERATED)).isEqualTo(new AllDataKey.Generated(T, 42));
    }

    @Property
    void ingestKeysRoundTrip(@ForAll @LongRange(min = 0, max = MAX_MS) long ms,
                             @ForAll @IntRange(min = 0, max = AllDataKey.MAX_PARTITION) int partition,
                             @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long offset) {
        AllDataKey.Ingest k = AllDataKey.ingest(ms, partition, offset);
        assertThat(AllDataKey.parse(k.value())).isEqualTo(k);
        assertThat(AllDataKey.parse(k.value()).value()).isEqualTo(k.value());
    }

    @Property
    void theTimePrefixIsWhatDateTimeFormatterWrites(@ForAll @LongRange(min = -62_167_219_200_000L, max = MAX_MS) long ms) {
        java.time.format.DateTimeFormatter reference = java.time.format.DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS")
                .withZone(java.time.ZoneOffset.UTC);
        assertThat(AllDataKey.timePrefix(Instant.ofEpochMilli(ms))).isEqualTo(reference.format(Instant.ofEpochMilli(ms)));
    }

    @Property
    void generatedKeysRoundTrip(@ForAll @LongRange(min = 0, max = MAX_MS) long ms,
                                @ForAll @LongRange(min = 0, max = AllDataKey.Generated.MAX_SEQUENCE) long sequence) {
        AllDataKey.Generated k = new AllDataKey.Generated(Instant.ofEpochMilli(ms), sequence);
        assertThat(AllDataKey.parse(k.value())).isEqualTo(k);
    }

    @Test
    void validKeysAreValid() {
        assertThat(AllDataKey.isValid(INGEST)).isTrue();
        assertThat(AllDataKey.isValid(GENERATED)).isTrue();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "empty                  | ''",
            "seed test key          | key1",
            "one char short         | 20261125T041500123-00003-000000000000000123",
            "one char long          | 20261125T041500123-00003-00000000000000012345",
            "28 characters          | 20261125T0415001230000000420",
            "month 13               | 20261325T041500123-00003-0000000000000001234",
            "month 00               | 20260025T041500123000000042",
            "February 30            | 20260230T041500123000000042",
            "February 29, not leap  | 20250229T041500123000000042",
            "hour 24                | 20261125T241500123000000042",
            "minute 60              | 20261125T046000123000000042",
            "second 60              | 20261125T041560123000000042",
            "lower-case t           | 20261125t041500123000000042",
            "no T                   | 20261125X041500123000000042",
            "letter in the date     | 2026112aT041500123000000042",
            "letter in the ms       | 20261125T04150012a000000042",
            "sign in the year       | +0261125T041500123000000042",
            "letter in the sequence | 20261125T04150012300000004x",
            "letter in partition    | 20261125T041500123-0000a-0000000000000001234",
            "letter in offset       | 20261125T041500123-00003-000000000000000123x",
            "minus in offset        | 20261125T041500123-00003--000000000000001234",
            "no dash after time     | 20261125T041500123+00003-0000000000000001234",
            "no dash after partition| 20261125T041500123-00003+0000000000000001234",
            "spaces for dashes      | '20261125T041500123 00003 0000000000000001234'",
            "full-width digit       | ２0261125T041500123000000042"})
    void parseRejectsWhatIsNotAKey(String why, String text) {
        assertThatThrownBy(() -> AllDataKey.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an AllData key");
    }

    @Test
    void isValidIsFalseForWhatIsNotAKey() {
        assertThat(AllDataKey.isValid("key1")).isFalse();
        assertThat(AllDataKey.isValid("20261325T041500123-00003-0000000000000001234")).isFalse();
        assertThat(AllDataKey.isValid(null)).isFalse();
    }

    /** Found by this suite: parse(null) throws a NullPointerException. */
    @Test
    void parseRejectsNullAsNotAKey() {
        assertThatThrownBy(() -> AllDataKey.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an AllData key");
    }

    /** Found by this suite: a 19-digit offset above Long.MAX_VALUE overflows into a negative number. */
    @Test
    void parseRejectsAnOffsetBeyondLongMaxValueAsNotAKey() {
        assertThatThrownBy(() -> AllDataKey.parse("20261125T041500123-00003-9223372036854775808"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an AllData key");
    }

    @Test
    void parseAcceptsTheLargestOffset() {
        assertThat(AllDataKey.parse("20261125T041500123-00003-9223372036854775807"))
                .isEqualTo(new AllDataKey.Ingest(T, 3, Long.MAX_VALUE));
    }

    @Test
    void parseAcceptsFebruary29InALeapYear() {
        assertThat(AllDataKey.parse("20240229T000000000000000001").time()).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    }

    // ---- ranges ----

    @Test
    void partitionAbove99999IsRejected() {
        assertThatThrownBy(() -> AllDataKey.ingest(T.toEpochMilli(), 100_000, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partition");
    }

    @Test
    void negativePartitionIsRejected() {
        assertThatThrownBy(() -> AllDataKey.ingest(T.toEpochMilli(), -1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partition");
    }

    @Test
    void negativeOffsetIsRejected() {
        assertThatThrownBy(() -> AllDataKey.ingest(T.toEpochMilli(), 0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset");
    }

    @Test
    void sequenceAboveNineDigitsIsRejected() {
        assertThatThrownBy(() -> new AllDataKey.Generated(T, 1_000_000_000L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence");
    }

    @Test
    void timeAfterYear9999IsRejected() {
        assertThatThrownBy(() -> AllDataKey.ingest(MAX_MS + 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void yearZeroIsTheSmallestTime() {
        assertThat(AllDataKey.ingest(YEAR_0_MS, 0, 0).value()).startsWith("00000101T000000000");
    }

    @Test
    void timeBeforeYear0IsRejected() {
        assertThatThrownBy(() -> new AllDataKey.Generated(Instant.ofEpochMilli(YEAR_0_MS - 1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- order ----

    @Test
    void textOrderIsTimeOrderAcrossYearsMonthsDaysHoursAndMilliseconds() {
        List<Instant> times = List.of(
                Instant.parse("1999-12-31T23:59:59.999Z"), Instant.parse("2000-01-01T00:00:00Z"),
                Instant.parse("2026-01-31T23:59:59.999Z"), Instant.parse("2026-02-01T00:00:00Z"),
                Instant.parse("2026-09-30T12:00:00Z"), Instant.parse("2026-10-01T09:59:59.999Z"),
                Instant.parse("2026-10-01T10:00:00Z"), Instant.parse("2026-10-01T10:00:00.099Z"),
                Instant.parse("2026-10-01T10:00:00.100Z"), Instant.parse("2026-10-09T00:00:00Z"),
                Instant.parse("2026-10-10T00:00:00Z"), Instant.parse("2126-01-01T00:00:00Z"));
        List<String> keys = new ArrayList<>();
        for (int i = times.size() - 1; i >= 0; i--) {
            keys.add(AllDataKey.ingest(times.get(i).toEpochMilli(), times.size() - i, 1_000 - i).value());
        }
        Collections.sort(keys);
        assertThat(keys).extracting(k -> AllDataKey.parse(k).time()).containsExactlyElementsOf(times);
    }

    @Test
    void withinAMillisecondIngestKeysOrderByPartitionThenOffset() {
        long ms = T.toEpochMilli();
        assertThat(AllDataKey.ingest(ms, 1, 9).value()).isLessThan(AllDataKey.ingest(ms, 1, 10).value());
        assertThat(AllDataKey.ingest(ms, 1, Long.MAX_VALUE).value()).isLessThan(AllDataKey.ingest(ms, 2, 0).value());
    }

    @Test
    void compareToIsTextOrder() {
        AllDataKey earlier = AllDataKey.ingest(T.toEpochMilli(), 99_999, Long.MAX_VALUE);
        AllDataKey later = new AllDataKey.Generated(T.plusMillis(1), 0);
        assertThat(earlier).isLessThan(later);
        assertThat(later.compareTo(earlier)).isPositive();
    }

    @Property
    void textOrderIsTimeOrderForAnyTwoTimes(@ForAll @LongRange(min = 0, max = MAX_MS) long a,
                                            @ForAll @LongRange(min = 0, max = MAX_MS) long b,
                                            @ForAll @IntRange(min = 0, max = AllDataKey.MAX_PARTITION) int partition) {
        String ka = AllDataKey.ingest(a, partition, 0).value();
        String kb = AllDataKey.ingest(b, AllDataKey.MAX_PARTITION - partition, 0).value();
        if (a != b) {
            assertThat(Integer.signum(ka.compareTo(kb))).isEqualTo(Long.signum(a - b));
        }
    }
}
