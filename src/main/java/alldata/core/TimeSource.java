package alldata.core;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time as the coordinator sees it: the current wall-clock time and a way to run a task later. Injected
 * so that timeout and deadline logic is tested with a controllable clock instead of sleeping.
 */
public interface TimeSource extends Clock {

    /** Current time in epoch milliseconds. */
    @Override
    long nowMs();

    /** Runs {@code task} after {@code delayMs}; the returned handle cancels it. */
    Cancellable schedule(long delayMs, Runnable task);

    /** A scheduled task that may be cancelled. */
    interface Cancellable {
        void cancel();
    }

    /** Wall-clock time with one daemon timer thread; {@link #close()} stops the thread. */
    final class System implements TimeSource, AutoCloseable {
        private final ScheduledThreadPoolExecutor timer;

        public System(String threadName) {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = Executors.defaultThreadFactory().newThread(r);
                t.setName(threadName);
                t.setDaemon(true);
                return t;
            });
            // deadlines of finished puts are cancelled; do not keep them queued for the full timeout
            timer.setRemoveOnCancelPolicy(true);
        }

        @Override
        public long nowMs() {
            return Clock.SYSTEM.nowMs();
        }

        @Override
        public Cancellable schedule(long delayMs, Runnable task) {
            ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
