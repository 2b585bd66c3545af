package alldata.dev;

import alldata.client.AllDataClient;
import alldata.protocol.PutOutcome;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * A load of puts, as {@code dev --demo} and {@code bench} run it: a closed loop of at most {@code window} in
 * flight, or an open loop at a fixed rate (see {@link LoadShape}); each COMMITTED put's latency, from its
 * intended send time to its outcome, recorded in an HdrHistogram. No futures are kept, so a run of millions
 * of events stays small. One run per instance.
 */
public final class WindowedPuts implements LocalCluster.Intake {
    private final AllDataClient client;
    private final PacedLoad load;

    /** A closed loop of {@code window} puts in flight. */
    public WindowedPuts(AllDataClient client, int window) {
        this(client, LoadShape.closed(window));
    }

    /** Puts offered in {@code shape}: a closed window, or an open loop at a fixed rate. */
    public WindowedPuts(AllDataClient client, LoadShape shape) {
        this.client = client;
        this.load = new PacedLoad(shape);
    }

    /** Puts committed so far (for progress reports while {@link #run} runs). */
    public long committed() {
        return load.succeeded();
    }

    /** Puts failed so far. */
    public long failed() {
        return load.failed();
    }

    /**
     * Stops the running load's intake (a clean stop): once this returns, {@link #run} sends no more puts and the
     * ones it sent are on their way to Kafka; {@link #run} still returns only when their outcomes are in.
     *
     * @param timeout how long to wait for the send loop to notice
     * @return whether sending is over
     */
    @Override
    public boolean stopSending(Duration timeout) throws InterruptedException {
        boolean over = load.stopSending(timeout);
        try {
            client.flush(); // what the producer still buffers reaches the ingest topic before anyone counts its lag
        } catch (IllegalStateException closed) {
            // the client closed meanwhile: it buffers nothing
        }
        return over;
    }

    /**
     * Puts {@code n} events (fewer when {@link #stopSending} stops it), {@code event.apply(i)} for i = 0..n-1, and
     * returns once every outcome is in; {@link LoadResult#succeeded()} counts the COMMITTED ones.
     *
     * @param each  sees every outcome (or the exception of a put that got none) before it is counted as done
     * @param stall how long the run may go without any outcome before it gives up
     * @throws TimeoutException when no outcome came for {@code stall}
     */
    public LoadResult run(int n, IntFunction<byte[]> event, BiConsumer<PutOutcome, Throwable> each, Duration stall)
            throws InterruptedException, TimeoutException {
        return load.run(n, (i, intended) -> client.put(event.apply(i), null).whenComplete((o, e) -> {
            long finished = System.nanoTime();
            try {
                each.accept(o, e);
            } finally {
                load.done(intended, finished, e == null && o.committed());
            }
        }), "the results topic", stall);
    }
}
