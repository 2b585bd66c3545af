package alldata.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link TimeSource} the test moves by hand: scheduled tasks run only from {@link #advance}. */
final class ManualTime implements TimeSource {
    private long now = 1_000_000L;
    private long seq;
    private final List<Task> tasks = new ArrayList<>();

    private final class Task implements Cancellable {
        final long at;
        final long order = seq++;
        final Runnable body;
        boolean cancelled;

        Task(long at, Runnable body) {
            this.at = at;
            this.body = body;
        }

        @Override
        public void cancel() {
            synchronized (ManualTime.this) {
                cancelled = true;
                tasks.remove(this);
            }
        }
    }

    @Override
    public synchronized long nowMs() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(long delayMs, Runnable task) {
        Task t = new Task(now + Math.max(0, delayMs), task);
        tasks.add(t);
        return t;
    }

    /** Moves time forward, running every task that falls due, in time order, including ones they schedule. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toMillis();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.at <= target)
                        .min(Comparator.<Task>comparingLong(t -> t.at).thenComparingLong(t -> t.order)).orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = Math.max(now, next.at);
            }
            next.body.run();
        }
    }

    synchronized int scheduled() {
        return tasks.size();
    }
}
