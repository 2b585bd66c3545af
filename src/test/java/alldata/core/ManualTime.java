package alldata.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link TimeSource} moved by hand: {@link #nowMs()} returns a field, {@link #schedule} records the task,
 * and only {@link #advance} runs tasks, in deadline order (ties in scheduling order), including tasks
 * scheduled by the tasks it runs, as long as they fall due within the advance.
 */
final class ManualTime implements TimeSource {
    /** An arbitrary start, far from 0 so that "deadline 0" bugs show. */
    static final long START_MS = 1_000_000L;
    /** More tasks than any test schedules for one instant. */
    private static final int MAX_TASKS_AT_ONE_TIME = 10_000;

    private long now = START_MS;
    private long sequence;
    private final List<Task> tasks = new ArrayList<>();

    private final class Task implements Cancellable {
        final long dueMs;
        final long order = sequence++;
        final Runnable body;

        Task(long dueMs, Runnable body) {
            this.dueMs = dueMs;
            this.body = body;
        }

        @Override
        public void cancel() {
            synchronized (ManualTime.this) {
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

    /**
     * Moves time forward by {@code d}, running every task that falls due, each at its own due time. A task
     * that keeps re-scheduling itself without time moving (a timer loop) fails the test instead of hanging it.
     */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toMillis();
        }
        int ranAtSameTime = 0;
        long lastRunAt = Long.MIN_VALUE;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream()
                        .filter(t -> t.dueMs <= target)
                        .min(Comparator.<Task>comparingLong(t -> t.dueMs).thenComparingLong(t -> t.order))
                        .orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = Math.max(now, next.dueMs);
                ranAtSameTime = now == lastRunAt ? ranAtSameTime + 1 : 0;
                lastRunAt = now;
                if (ranAtSameTime > MAX_TASKS_AT_ONE_TIME) {
                    throw new AssertionError("timer loop: more than " + MAX_TASKS_AT_ONE_TIME + " tasks ran at " + now);
                }
            }
            next.body.run(); // outside the lock: tasks may schedule or cancel tasks
        }
    }

    /** Moves time forward by {@code ms} milliseconds. */
    void advanceMs(long ms) {
        advance(Duration.ofMillis(ms));
    }

    /** Tasks scheduled and neither run nor cancelled. */
    synchronized int scheduled() {
        return tasks.size();
    }
}
