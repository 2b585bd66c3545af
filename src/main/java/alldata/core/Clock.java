package alldata.core;

import java.util.concurrent.TimeUnit;

/**
 * The one clock of AllData (Kafka's {@code Time} pattern): what reads the time takes a {@code Clock}, so that
 * timeouts, deadlines and liveness are tested with a controlled clock instead of sleeping. Only {@link #SYSTEM}
 * reads the machine's clocks (an architecture test holds the rest of the code to that).
 *
 * <p>A functional interface: a test clock is {@code () -> nowMs}; its {@link #nanoTime()} follows its
 * milliseconds.
 */
@FunctionalInterface
public interface Clock {
    /** The machine's wall clock and monotonic clock. */
    Clock SYSTEM = new Clock() {
        @Override
        public long nowMs() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };

    /** Wall-clock time, epoch milliseconds. */
    long nowMs();

    /** A monotonic reading in nanoseconds, for measuring elapsed time and deadlines (not a date). */
    default long nanoTime() {
        return TimeUnit.MILLISECONDS.toNanos(nowMs());
    }
}
