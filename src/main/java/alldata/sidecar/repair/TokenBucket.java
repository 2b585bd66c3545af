package alldata.sidecar.repair;

import java.util.function.LongSupplier;

/**
 * A rate limit: {@code perSecond} tokens a second, with at most one second's worth saved up while idle. A caller
 * reserves what it is about to use and waits the time {@link #reserve} returns; a reservation larger than what is
 * saved up goes into debt, which later callers wait off, so any size can be reserved.
 */
final class TokenBucket {
    private static final long SECOND_NANOS = 1_000_000_000L;

    private final double nanosPerToken;
    private final LongSupplier nanoClock;
    private long nextFreeNanos;

    TokenBucket(double perSecond, LongSupplier nanoClock) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("a rate must be positive, got " + perSecond);
        }
        this.nanosPerToken = SECOND_NANOS / perSecond;
        this.nanoClock = nanoClock;
        this.nextFreeNanos = nanoClock.getAsLong() - SECOND_NANOS;
    }

    /** Reserves {@code tokens} and returns the nanoseconds to wait before using them. */
    synchronized long reserve(long tokens) {
        long now = nanoClock.getAsLong();
        nextFreeNanos = Math.max(nextFreeNanos, now - SECOND_NANOS);
        long wait = Math.max(0, nextFreeNanos - now);
        nextFreeNanos += (long) (tokens * nanosPerToken);
        return wait;
    }
}
