package alldata.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Group commit on a thread of its own: writes queued by any number of callers are drained together, at most
 * {@link #MAX_GROUP} queued writes at a time, into one batch for the batch writer, so that they share one RocksDB
 * write and one WAL sync (a sync costs far more than the writes it covers). Each caller's future completes on this
 * thread with the outcomes of its own writes, or with the batch's failure.
 */
final class GroupCommitter implements AutoCloseable {
    /** Queued writes (puts or callers' whole batches) drained into one batch at most. */
    static final int MAX_GROUP = 4096;
    private static final long JOIN_MS = TimeUnit.SECONDS.toMillis(30);

    /** Writes waiting for the next group commit: one put, or a caller's whole batch. */
    private record QueuedWrite(List<ReplicaWrite> writes, CompletableFuture<List<WriteOutcome>> done) {
    }

    private final Function<List<ReplicaWrite>, List<WriteOutcome>> batchWriter;
    private final String closedMessage;
    private final BlockingQueue<QueuedWrite> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;

    /**
     * Starts the committer's thread.
     *
     * @param threadName  the thread's name (the bench sums CPU by it)
     * @param batchWriter writes one batch and returns one outcome per write, in order, or throws and stores nothing
     * @param closedMessage what a write queued after {@link #close} fails with
     */
    GroupCommitter(String threadName, Function<List<ReplicaWrite>, List<WriteOutcome>> batchWriter,
                   String closedMessage) {
        this.batchWriter = batchWriter;
        this.closedMessage = closedMessage;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues {@code writes} for the next group commit; completes with their outcomes, in order, once written. */
    CompletableFuture<List<WriteOutcome>> enqueue(List<ReplicaWrite> writes) {
        CompletableFuture<List<WriteOutcome>> done = new CompletableFuture<>();
        if (closed.get()) {
            done.completeExceptionally(new StoreException(closedMessage));
            return done;
        }
        queue.add(new QueuedWrite(writes, done));
        return done;
    }

    private void run() {
        List<QueuedWrite> group = new ArrayList<>();
        while (!closed.get() || !queue.isEmpty()) {
            try {
                QueuedWrite first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                group.clear();
            }
        }
        // anything still queued after an interrupt fails rather than hangs
        QueuedWrite left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new StoreException(closedMessage));
        }
    }

    private void commit(List<QueuedWrite> group) {
        List<ReplicaWrite> writes;
        if (group.size() == 1) {
            writes = group.get(0).writes();
        } else {
            writes = new ArrayList<>();
            for (QueuedWrite q : group) {
                writes.addAll(q.writes());
            }
        }
        List<WriteOutcome> outcomes;
        try {
            outcomes = batchWriter.apply(writes);
        } catch (RuntimeException e) {
            for (QueuedWrite q : group) {
                q.done().completeExceptionally(e);
            }
            return;
        }
        int at = 0;
        for (QueuedWrite q : group) {
            int n = q.writes().size();
            q.done().complete(outcomes.subList(at, at + n));
            at += n;
        }
    }

    /** Refuses new writes, finishes the queued ones and waits (bounded) for the thread to end. Safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
