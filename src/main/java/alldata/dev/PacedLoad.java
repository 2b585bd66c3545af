package alldata.dev;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
    /** How often a waiting send loop checks for a stop. */
    private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

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
    /** Set by {@link #stopSending}: the run sends nothing more and waits for what it sent. */
    private volatile boolean stopping;
    /** Counted down when the run's send loop is over (ended, stopped or failed). */
    private final CountDownLatch sendsOver = new CountDownLatch(1);
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
     * Stops the run's sending (a clean stop: intake first) and returns once it sends nothing more, or after
     * {@code timeout}; the run still waits for the events it sent, and its result counts only those.
     *
     * @return whether the send loop is over
     */
    boolean stopSending(Duration timeout) throws InterruptedException {
        stopping = true;
        return sendsOver.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Sends events 0..n-1 (fewer when {@link #stopSending} stops it) and returns once every one sent has come back.
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
        int sent = 0;
        try {
            for (int i = 0; i < n && !stopping; i++) {
                long intended = 0;
                if (open != null) {
                    intended = start + open.offsetNanos(i);
                    if (!sleepUntil(intended)) {
                        break;
                    }
                }
                if (!slots.tryAcquire()) {
                    if (open != null) {
                        lateSends.incrementAndGet();
                    }
                    if (!awaitSlot(what, n, stall, true)) {
                        break;
                    }
                }
                sender.send(i, open != null ? intended : System.nanoTime());
                sent++;
            }
        } finally {
            sendsOver.countDown();
        }
        for (int i = 0; i < shape.window(); i++) {
            awaitSlot(what, n, stall, false);
        }
        slots.release(shape.window());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new LoadResult(sent, succeeded.get(), failed.get(), seconds, latencies.getIntervalHistogram(), lateSends.get(),
                CpuClock.since(cpuStart));
    }

    /** Takes a slot; false when {@code stoppable} and {@link #stopSending} came first (no slot taken). */
    private boolean awaitSlot(String what, int n, Duration stall, boolean stoppable)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + stall.toNanos();
        // in short steps, so that a stop is heard while the window is full
        for (long left = stall.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            if (stoppable && stopping) {
                return false;
            }
            if (slots.tryAcquire(Math.min(left, STOP_CHECK_NANOS), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
        throw new TimeoutException("nothing came back from " + what + " for " + stall.toMillis() / 1000.0 + " s ("
                + (succeeded.get() + failed.get()) + " of " + n + " events)");
    }

    /** Waits until {@code nanoTime}; false when {@link #stopSending} came first. */
    private boolean sleepUntil(long nanoTime) throws InterruptedException {
        for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
            if (stopping) {
                return false;
            }
            LockSupport.parkNanos(Math.min(wait, STOP_CHECK_NANOS));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return true;
    }
}
