package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyGeneratorTest {
    private static final Instant T = Instant.parse("2026-11-25T04:15:00.123Z");

    /** A clock the test sets by hand. */
    private static final class SettableClock extends Clock {
        final AtomicLong ms = new AtomicLong(T.toEpochMilli());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(ms.get());
        }
    }

    private static KeyGenerator fixed() {
        return new KeyGenerator(Clock.fixed(T, ZoneOffset.UTC));
    }

    @Test
    void generatedKeysAre27Characters() {
        assertThat(fixed().next().value()).hasSize(27);
        assertThat(KeyGenerator.generateKey()).hasSize(27);
    }

    @Test
    void generatedKeysParseBackAsGeneratedKeys() {
        String key = KeyGenerator.generateKey();
        assertThat(AllDataKey.parse(key)).isInstanceOf(AllDataKey.Generated.class);
        assertThat(AllDataKey.parse(key).value()).isEqualTo(key);
    }

    @Test
    void generatedKeyStartsWithTheClocksTime() {
        AllDataKey.Generated k = fixed().next();
        assertThat(k.time()).isEqualTo(T);
        assertThat(k.value()).startsWith("20261125T041500123");
    }

    @Test
    void keysStrictlyIncreaseWithAFixedClockOver100kCalls() {
        KeyGenerator g = fixed();
        String previous = g.next().value();
        for (int i = 0; i < 100_000; i++) {
            String k = g.next().value();
            if (k.compareTo(previous) <= 0) {
                throw new AssertionError("call " + i + ": " + k + " does not follow " + previous);
            }
            previous = k;
        }
        assertThat(AllDataKey.parse(previous).time()).isBetween(T, T.plusMillis(1));
    }

    @Test
    void keysKeepIncreasingWhenTheClockGoesBackwards() {
        SettableClock clock = new SettableClock();
        KeyGenerator g = new KeyGenerator(clock);
        String before = g.next().value();
        clock.ms.addAndGet(-5_000);
        String during = g.next().value();
        String stillDuring = g.next().value();
        assertThat(during).isGreaterThan(before);
        assertThat(stillDuring).isGreaterThan(during);
    }

    @Test
    void keysFollowTheClockAgainOnceItPassesTheLastTime() {
        SettableClock clock = new SettableClock();
        KeyGenerator g = new KeyGenerator(clock);
        g.next();
        clock.ms.addAndGet(-5_000);
        String during = g.next().value();
        clock.ms.addAndGet(10_000);
        AllDataKey.Generated after = g.next();
        assertThat(after.value()).isGreaterThan(during);
        assertThat(after.time()).isEqualTo(T.plusMillis(5_000));
    }

    @Test
    void processKeysStrictlyIncreaseOnOneThread() {
        String previous = KeyGenerator.generateKey();
        for (int i = 0; i < 10_000; i++) {
            String k = KeyGenerator.generateKey();
            if (k.compareTo(previous) <= 0) {
                throw new AssertionError("call " + i + ": " + k + " does not follow " + previous);
            }
            previous = k;
        }
    }

    @Test
    void processKeysAreUniqueAcross8ThreadsOf20kCalls() throws Exception {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 20_000; i++) {
                        keys.add(KeyGenerator.generateKey());
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(keys).hasSize(8 * 20_000);
    }

    @Test
    void nullClockIsRejected() {
        assertThatThrownBy(() -> new KeyGenerator(null)).isInstanceOf(NullPointerException.class);
    }
}
