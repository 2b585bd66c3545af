package alldata.sidecar.coordinator;

import alldata.protocol.Ack;
import alldata.protocol.MetaUpdate;
import alldata.protocol.ReplicaMeta;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * This node's own replica store as the coordinator sees it: the local replica of a put is written
 * directly, not through a command topic, and its answer comes back like a peer's ack.
 */
interface LocalReplica {
    /**
     * Stores {@code event} under {@code key} (write-once) and calls {@code answer} exactly once, on any
     * thread, with this node's OK, CONFLICT or ERROR.
     */
    void write(String key, byte[] event, ReplicaMeta meta, Consumer<Ack> answer);

    /** The plan recorded beside the replica of {@code key} this node holds, if it holds one. */
    Optional<ReplicaMeta> storedMeta(String key);

    /**
     * Replaces the plans of events this node holds by {@code updates} where their epoch is newer (see
     * {@link MetaUpdate#afterPut}); a failure is logged, not thrown (this node's plan then still names the failed
     * replicas).
     */
    void updatePlans(List<MetaUpdate> updates);

    /**
     * Records that the puts of {@code keys} FAILED, so that this node's copies of them (held now or stored later) are
     * never read as data nor repaired; a failure is logged, not thrown (the copies then stay unconfirmed).
     */
    void markFailed(List<String> keys);

    /** Takes back FAILED marks of puts that COMMITTED after all ({@link alldata.protocol.FailedCopies}); logs a failure. */
    void clearFailed(List<String> keys);
}
