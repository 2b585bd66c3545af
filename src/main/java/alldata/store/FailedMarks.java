package alldata.store;

import java.util.List;

/**
 * The keys whose put FAILED. A copy under such a key is not part of the data, so reads ({@link ReplicaReads}),
 * repair's plans ({@link ReplicaPlans#scanPlans}) and holdings ({@link ReplicaReads#contentHashes}) leave it out. A
 * mark is a key of its own, independent of the event: it holds also when it arrives before the event, and no later
 * write of the event clears it (write-once).
 */
public interface FailedMarks {
    /**
     * Records that the puts of {@code keys} FAILED: a copy of such an event, held now or written later, is not part of
     * the data. Keys this node does not hold are recorded too, because a put command may still arrive after its mark.
     * Marking a key again changes nothing; only {@link #clearFailed} takes it back. One write, synced.
     *
     * @return how many of {@code keys} this node holds (a copy it now leaves out)
     * @throws StoreException when RocksDB fails; then nothing is changed
     */
    int markFailed(List<String> keys);

    /**
     * Takes back the FAILED marks of {@code keys}: their puts COMMITTED after all (a resumed put whose previous
     * owner's FAILED outcome was aborted with its transaction). A key without a mark is left as it is. One write,
     * synced.
     *
     * @throws StoreException when RocksDB fails; then nothing is changed
     */
    void clearFailed(List<String> keys);

    /**
     * The keys with {@code from <= key < to} marked FAILED that this node holds a copy of, in key order, at most
     * {@code limit}.
     */
    List<String> failedCopies(String from, String to, int limit);
}
