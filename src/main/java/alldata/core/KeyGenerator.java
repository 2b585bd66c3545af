package alldata.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates library keys in the seed's 27-character layout: the UTC time to the millisecond followed by
 * 9 digits. Within one generator the keys strictly increase: each millisecond's sequence starts at a
 * random point (so two processes rarely collide) and counts up; when the clock stands still or steps
 * back, the last millisecond is kept and the sequence goes on, so no key ever repeats.
 *
 * <p>{@link #generateKey()} uses one generator per process, the only way to promise uniqueness within
 * the process; tests and hosts that want their own clock create instances.
 */
public final class KeyGenerator {
    /** Random starts stay in the lower half so a millisecond always has room for 500 million keys. */
    private static final long RANDOM_START_BOUND = (AllDataKey.Generated.MAX_SEQUENCE + 1) / 2;

    private static final KeyGenerator PROCESS = new KeyGenerator(Clock.systemUTC());

    private final Clock clock;
    private long lastMillis = Long.MIN_VALUE;
    private long sequence;

    /** A generator reading {@code clock}. */
    public KeyGenerator(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A fresh key from this process's generator. */
    public static String generateKey() {
        return PROCESS.next().value();
    }

    /** The next key of this generator. Thread-safe. */
    public synchronized AllDataKey.Generated next() {
        long now = clock.millis();
        if (now > lastMillis) {
            lastMillis = now;
            sequence = ThreadLocalRandom.current().nextLong(RANDOM_START_BOUND);
        } else if (sequence < AllDataKey.Generated.MAX_SEQUENCE) {
            sequence++;
        } else {
            // a millisecond's sequence space is used up: borrow the next millisecond
            lastMillis++;
            sequence = ThreadLocalRandom.current().nextLong(RANDOM_START_BOUND);
        }
        return new AllDataKey.Generated(Instant.ofEpochMilli(lastMillis), sequence);
    }
}
