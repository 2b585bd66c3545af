package alldata.store;

import alldata.protocol.MetaUpdate;
import alldata.protocol.ReplicaMeta;
import java.util.List;
import java.util.Optional;

/**
 * The plans kept beside the events ({@link ReplicaMeta}: which nodes hold an event, at which epoch): read one, list
 * them for repair, and replace them with a repair's newer ones.
 */
public interface ReplicaPlans {
    /** The plan stored beside {@code key}, if any. */
    Optional<ReplicaMeta> meta(String key);

    /**
     * Applies plan updates from a repair: an update replaces the plan of an event this node holds when its epoch is
     * larger than the stored plan's; the kept digests move with the plan. One write, synced.
     *
     * @param origin the repairing node (recorded as the plan's coordinator)
     * @return one outcome per update, in order
     * @throws StoreException when RocksDB fails; then nothing is changed
     */
    List<PlanUpdateOutcome> updatePlans(List<MetaUpdate> updates, String origin);

    /**
     * The plans with {@code from <= key < to}, in key order, at most {@code limit}: a scan of the plans only (repair
     * looks at every plan, and at few events). A plan whose event was deleted behind the store's back is listed too;
     * {@link ReplicaReads#contentHashes} tells which are held. Unreadable plans are skipped with a warning, and so are
     * the plans of FAILED copies ({@link FailedMarks}): repair never copies those.
     */
    List<StoredPlan> scanPlans(String from, String to, int limit);

    /** Sets the one listener to short plans (repair's; a later call replaces it). */
    void onShortPlans(ShortPlanListener listener);

    /**
     * Hears the keys of events just stored, or re-planned, under a plan that names fewer distinct nodes than the
     * event's replication factor (owed replicas). Called on the writing thread after the write: keep it cheap.
     */
    @FunctionalInterface
    interface ShortPlanListener {
        void shortPlans(List<String> keys);
    }
}
