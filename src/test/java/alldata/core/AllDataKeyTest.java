package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllDataKeyTest {
    private static final Instant T = Instant.parse("2026-11-25T04:15:00.123Z");

    @Test
    void ingestKeyHasTheDesignLayout() {
        String key = AllDataKey.ingest(T.toEpochMilli(), 3, 1234).value();
        assertThat(key).isEqualTo("20261125T041500123-00003-0000000000000001234").hasSize(44);
    }

    @Test
    void ingestKeyDependsOnlyOnTimestampPartitionAndOffset() {
        assertThat(AllDataKey.ingest(T.toEpochMilli(), 3, 1234)).isEqualTo(AllDataKey.ingest(T.toEpochMilli(), 3, 1234));
        assertThat(AllDataKey.ingest(T.toEpochMilli(), 3, 1234)).isNotEqualTo(AllDataKey.ingest(T.toEpochMilli(), 3, 1235));
    }

    @Test
    void keysParseBackIntoTheirParts() {
        AllDataKey k = AllDataKey.parse("20261125T041500123-00003-0000000000000001234");
        assertThat(k).isEqualTo(new AllDataKey.Ingest(T, 3, 1234));
        AllDataKey g = AllDataKey.parse("20261125T041500123000000042");
        assertThat(g).isEqualTo(new AllDataKey.Generated(T, 42));
        assertThat(g.value()).isEqualTo("20261125T041500123000000042");
        assertThat(AllDataKey.ingest(Long.MAX_VALUE / 1_000_000, 99_999, Long.MAX_VALUE).value()).hasSize(44);
    }

    @Test
    void textOrderIsTimeOrder() {
        List<Instant> times = List.of(Instant.parse("2025-12-31T23:59:59.999Z"), Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00.001Z"), Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-10-01T09:00:00Z"),
                Instant.parse("2026-10-01T10:00:00Z"));
        for (int i = 1; i < times.size(); i++) {
            AllDataKey earlier = AllDataKey.ingest(times.get(i - 1).toEpochMilli(), 99_999, Long.MAX_VALUE);
            AllDataKey later = AllDataKey.ingest(times.get(i).toEpochMilli(), 0, 0);
            assertThat(earlier.value().compareTo(later.value())).isNegative();
            assertThat(earlier).isLessThan(later);
        }
        assertThat(AllDataKey.ingest(T.toEpochMilli(), 1, 9)).isLessThan(AllDataKey.ingest(T.toEpochMilli(), 1, 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "key1", "20261125T041500123-00003-000000000000000123", "20261325T041500123-00003-0000000000000001234",
            "20260230T041500123000000001", "20261125X041500123000000001", "20261125T041500123-0000a-0000000000000001234",
            "20261125T041500123+00003-0000000000000001234", "20261125T041500123-00003+0000000000000001234",
            "20261125T04150012300000000x", "20261125T246000000000000001"})
    void anythingElseIsRejectedClearly(String text) {
        assertThatThrownBy(() -> AllDataKey.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an AllData key");
        assertThat(AllDataKey.isValid(text)).isFalse();
    }

    @Test
    void nullAndOutOfRangePartsAreRejected() {
        assertThatThrownBy(() -> AllDataKey.parse(null)).isInstanceOf(NullPointerException.class);
        assertThat(AllDataKey.isValid(null)).isFalse();
        assertThatThrownBy(() -> AllDataKey.ingest(0, 100_000, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AllDataKey.ingest(0, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AllDataKey.ingest(0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AllDataKey.Generated(T, 1_000_000_000L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generatedKeysStrictlyIncreaseWithAFixedClock() {
        KeyGenerator g = new KeyGenerator(Clock.fixed(T, ZoneOffset.UTC));
        String previous = "";
        for (int i = 0; i < 100_000; i++) {
            String k = g.next().value();
            assertThat(k).hasSize(27);
            assertThat(k.compareTo(previous)).isPositive();
            previous = k;
        }
        assertThat(AllDataKey.parse(previous).time()).isBetween(T, T.plusMillis(1));
    }

    @Test
    void generatedKeysKeepIncreasingWhenTheClockStepsBack() {
        AtomicLong now = new AtomicLong(T.toEpochMilli());
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        KeyGenerator g = new KeyGenerator(clock);
        String a = g.next().value();
        now.addAndGet(-5_000);
        String b = g.next().value();
        now.addAndGet(10_000);
        String c = g.next().value();
        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
    }

    @Test
    void processKeysAreUniqueAcrossThreads() throws Exception {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        keys.add(KeyGenerator.generateKey());
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(keys).hasSize(160_000).allSatisfy(k -> assertThat(AllDataKey.parse(k)).isInstanceOf(AllDataKey.Generated.class));
    }

    @Test
    void commitLevelsRequireTheDesignCounts() {
        int[] quorum = {1, 2, 2, 3, 3};
        for (int rf = 1; rf <= 5; rf++) {
            assertThat(CommitLevel.ONE.required(rf)).isEqualTo(1);
            assertThat(CommitLevel.QUORUM.required(rf)).isEqualTo(quorum[rf - 1]);
            assertThat(CommitLevel.ALL.required(rf)).isEqualTo(rf);
        }
        assertThatThrownBy(() -> CommitLevel.ALL.required(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commitLevelsParseIgnoringCaseAndRejectUnknownNames() {
        assertThat(CommitLevel.parse(" quorum ")).isEqualTo(CommitLevel.QUORUM);
        assertThat(CommitLevel.parse("All")).isEqualTo(CommitLevel.ALL);
        assertThatThrownBy(() -> CommitLevel.parse("MOST")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'MOST'").hasMessageContaining("ONE, QUORUM, ALL");
        assertThatThrownBy(() -> CommitLevel.parse("")).hasMessageContaining("empty");
    }
}
