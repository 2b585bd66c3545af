package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jpountz.xxhash.XXHashFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** XXH64 against its reference values and lz4-java's implementation; digests are order-independent. */
class IntervalDigestTest {
    private static final String KEY = "20261125T041500123-00003-0000000000000001234";

    @Test
    void xxh64GivesTheReferenceValues() {
        assertThat(Xxh64.hash(new byte[0], 0)).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(Xxh64.hash("a".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(Xxh64.hash("abc".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(0x44BC2CF5AD770999L);
    }

    @Property(tries = 300)
    void xxh64AgreesWithLz4Java(@ForAll @Size(max = 200) byte[] data, @ForAll long seed) {
        assertThat(Xxh64.hash(data, seed)).isEqualTo(XXHashFactory.safeInstance().hash64().hash(data, 0, data.length, seed));
    }

    @Property(tries = 100)
    void aDigestDoesNotDependOnOrderAndMinusUndoesPlus(@ForAll @IntRange(min = 0, max = 40) int n, @ForAll long seed) {
        Random random = new Random(seed);
        List<Long> hashes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] event = ("{\"n\":" + random.nextInt() + "}").getBytes(StandardCharsets.UTF_8);
            hashes.add(IntervalDigest.eventHash(KEY.substring(0, 30) + i, event));
        }
        IntervalDigest forward = IntervalDigest.EMPTY;
        for (long h : hashes) {
            forward = forward.plus(h);
        }
        Collections.shuffle(hashes, random);
        IntervalDigest shuffled = IntervalDigest.EMPTY;
        for (long h : hashes) {
            shuffled = shuffled.plus(h);
        }
        assertThat(shuffled).isEqualTo(forward);
        assertThat(forward.count()).isEqualTo(n);
        IntervalDigest back = forward;
        for (long h : hashes) {
            back = back.minus(h);
        }
        assertThat(back).isEqualTo(IntervalDigest.EMPTY);
    }

    @Test
    void otherBytesOrAnotherKeyChangeTheHash() {
        byte[] event = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        long h = IntervalDigest.eventHash(KEY, event);
        assertThat(IntervalDigest.eventHash(KEY, "{\"a\":2}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(h);
        assertThat(IntervalDigest.eventHash(KEY.replace('4', '5'), event)).isNotEqualTo(h);
        assertThat(IntervalDigest.eventHash(KEY, IntervalDigest.contentHash(event))).isEqualTo(h);
        assertThat(IntervalDigest.EMPTY.plus(h).xorHex()).hasSize(16);
    }

    @Test
    void intervalsAreHoursOfTheKey() {
        assertThat(IntervalDigest.intervalOf(KEY)).isEqualTo("20261125T04");
        assertThat(IntervalDigest.intervalOf("short")).isEqualTo("short");
        assertThat(IntervalDigest.upperBound("20261125T04")).isEqualTo("20261125T05");
        assertThat(IntervalDigest.upperBound("20261125T09")).isEqualTo("20261125T0:");
        assertThatThrownBy(() -> IntervalDigest.upperBound("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 300)
    void everyKeyOfAnIntervalLiesWithinItsBounds(@ForAll @IntRange(min = 0, max = 2_000_000_000) int seconds,
                                                 @ForAll @IntRange(min = 0, max = 99_999) int partition) {
        long ms = 1_700_000_000_000L + seconds * 1000L;
        String key = AllDataKey.ingest(ms, partition, seconds).value();
        String interval = IntervalDigest.intervalOf(key);
        assertThat(key.compareTo(interval)).isGreaterThanOrEqualTo(0);
        assertThat(key.compareTo(IntervalDigest.upperBound(interval))).isNegative();
    }
}
