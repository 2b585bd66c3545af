package alldata.dev;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Sends the events of one run in a {@link LoadShape} and collects their outcomes: the one sender behind
 * {@link WindowedPuts} and the bench's round trips, so that every measured phase offers load the same way.
 *
 * <p>The run calls {@link Sender#send} for each event, on its own thread, at the event's intended time;
 * whoever learns the event's outcome, on any thread, calls {@link #done} exactly once with that time.
 * One run per instance. Nothing per event is kept, so a run of millions of events stays small.
 */
final class PacedLoad {
    /** Starts event {@code i}; its outcome is reported later through {@link #done} with {@code intendedNanos}. */
    @FunctionalInterface
    interface Sender {
        void send(int i, long intendedNanos);
    }

    private final LoadShape shape;
    private final Semaphore slots;
    private final Recorder latencies = new Recorder(3);
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lateSends = new AtomicLong();
    private boolean ran;

    PacedLoad(LoadShape shape) {
        this.shape = shape;
        this.slots = new Semaphore(shape.window());
    }

    /**
     * The outcome of one event, from any thread.
     *
     * @param intendedNanos the time {@link Sender#send} was given for it
     * @param finishedNanos when its outcome was known ({@link System#nanoTime()})
     * @param ok            whether it succeeded (only succeeded events have a latency)
     */
    void done(long intendedNanos, long finishedNanos, boolean ok) {
        try {
            if (ok) {
                latencies.recordValue(Math.max(1, (finishedNanos - intendedNanos) / 1_000));
                succeeded.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
        } finally {
            slots.release(); // last, so that the counts are complete once every slot is back
        }
    }

    long succeeded() {
        return succeeded.get();
    }

    long failed() {
        return failed.get();
    }

    /** Late sends so far (open loop). */
    long lateSends() {
        return lateSends.get();
    }

    /**
     * Sends events 0..n-1 and returns once every one has come back.
     *
     * @param what  what comes back, for the error message
     * @param stall how long the run may wait for any event to come back before it gives up
     * @throws TimeoutException when nothing came back for {@code stall}
     */
    synchronized LoadResult run(int n, Sender sender, String what, Duration stall) throws InterruptedException, TimeoutException {
        if (ran) {
            throw new IllegalStateException("a PacedLoad runs once");
        }
        ran = true;
        LoadShape.Open open = shape instanceof LoadShape.Open o ? o : null;
        long cpuStart = CpuClock.processCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long intended = 0;
            if (open != null) {
                intended = start + open.offsetNanos(i);
                sleepUntil(intended);
            }
            if (!slots.tryAcquire()) {
                if (open != null) {
                    lateSends.incrementAndGet();
                }
                awaitSlot(what, n, stall);
            }
            sender.send(i, open != null ? intended : System.nanoTime());
        }
        for (int i = 0; i < shape.window(); i++) {
            awaitSlot(what, n, stall);
        }
        slots.release(shape.window());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new LoadResult(n, succeeded.get(), failed.get(), seconds, latencies.getIntervalHistogram(), lateSends.get(),
                CpuClock.since(cpuStart));
    }

    private void awaitSlot(String what, int n, Duration stall) throws InterruptedException, TimeoutException {
        if (!slots.tryAcquire(stall.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("nothing came back from " + what + " for " + stall.toMillis() / 1000.0 + " s ("
                    + (succeeded.get() + failed.get()) + " of " + n + " events)");
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
