package alldata.dev;

import alldata.client.AllDataClient;
import alldata.protocol.PutOutcome;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load of puts, as {@code dev --demo} and {@code bench} run it: at most {@code window}
 * in flight, each COMMITTED put's latency (produce to outcome) recorded in an HdrHistogram. No futures
 * are kept, so a run of millions of events stays small.
 */
public final class WindowedPuts {
    private final AllDataClient client;
    private final int window;
    private final Semaphore inFlight;
    private final Recorder latencies = new Recorder(3);
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /** What a run measured. */
    public record Result(int events, long committed, long failed, double seconds, Histogram latency) {
        public double eventsPerS() {
            return events / seconds;
        }
    }

    public WindowedPuts(AllDataClient client, int window) {
        this.client = client;
        this.window = window;
        this.inFlight = new Semaphore(window);
    }

    /** Puts committed so far (for progress reports while {@link #run} runs). */
    public long committed() {
        return committed.get();
    }

    /** Puts failed so far. */
    public long failed() {
        return failed.get();
    }

    /**
     * Puts {@code n} events, {@code event.apply(i)} for i = 0..n-1, and returns once every outcome is in.
     *
     * @param each sees every outcome (or the exception of a put that got none) before it is counted as done
     * @throws TimeoutException when outcomes are still missing after {@code timeout}
     */
    public Result run(int n, IntFunction<byte[]> event, BiConsumer<PutOutcome, Throwable> each, Duration timeout)
            throws InterruptedException, TimeoutException {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            long sent = System.nanoTime();
            client.put(event.apply(i), null).whenComplete((o, e) -> {
                try {
                    if (e == null && o.committed()) {
                        latencies.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
                        committed.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    each.accept(o, e);
                } finally {
                    inFlight.release(); // last, so that the counts are complete once every permit is back
                }
            });
        }
        if (!inFlight.tryAcquire(window, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("puts still outstanding after " + timeout);
        }
        inFlight.release(window);
        return new Result(n, committed.get(), failed.get(), (System.nanoTime() - start) / 1e9, latencies.getIntervalHistogram());
    }
}
