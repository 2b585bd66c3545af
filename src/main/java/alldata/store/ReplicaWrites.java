package alldata.store;

import alldata.core.ReplicaStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The node's replica writes, write-once: an absent key is written, the same bytes again are an idempotent success,
 * different bytes are a conflict that leaves the stored event untouched. An event is written with its plan, and the
 * kept interval digests ({@link ReplicaDigests}) move in the same RocksDB write.
 *
 * <p>Durability uses group commit: whatever is queued while a write runs goes into the next one, with one WAL sync
 * for all of it. The library's {@link ReplicaStore#put(String, byte[])} stores an event without a plan.
 */
public interface ReplicaWrites extends ReplicaStore {
    /** Queues one write for the next group commit; completes with its outcome once synced, on the committer's thread. */
    CompletableFuture<WriteOutcome> put(ReplicaWrite write);

    /**
     * Stores a batch with one RocksDB write and one WAL sync (group commit). Each write is checked against what is
     * stored and against earlier writes of the same batch.
     *
     * @return one outcome per write, in order
     * @throws StoreException when RocksDB fails; then nothing of the batch is stored
     */
    List<WriteOutcome> write(List<ReplicaWrite> writes);

    /**
     * Why the last write failed (for example "No space left on device"), or empty once a write succeeds. After an
     * I/O error RocksDB refuses every later write until the store is reopened (RocksJava has no {@code resume()}), so
     * an operator fixes the disk and restarts the sidecar.
     */
    Optional<String> writeFailure();
}
