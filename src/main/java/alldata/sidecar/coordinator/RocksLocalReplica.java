package alldata.sidecar.coordinator;

import alldata.protocol.Ack;
import alldata.protocol.MetaUpdate;
import alldata.protocol.ReplicaMeta;
import alldata.sidecar.metrics.SidecarMetrics;
import alldata.store.FailedMarks;
import alldata.store.ReplicaPlans;
import alldata.store.ReplicaWrite;
import alldata.store.ReplicaWrites;
import alldata.store.StoreException;
import alldata.store.WriteOutcome;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The local-write bridge: the coordinator's local replicas go to the node's RocksDB store by group commit. */
final class RocksLocalReplica implements LocalReplica {
    private static final Logger log = LoggerFactory.getLogger(RocksLocalReplica.class);
    private final String nodeId;
    private final ReplicaWrites writes;
    private final ReplicaPlans plans;
    private final FailedMarks failedMarks;
    private final SidecarMetrics metrics;

    <S extends ReplicaWrites & ReplicaPlans & FailedMarks> RocksLocalReplica(String nodeId, S store,
                                                                            SidecarMetrics metrics) {
        this.nodeId = nodeId;
        this.writes = store;
        this.plans = store;
        this.failedMarks = store;
        this.metrics = metrics;
    }

    @Override
    public void write(String key, byte[] event, ReplicaMeta meta, Consumer<Ack> answer) {
        writes.put(new ReplicaWrite(key, event, meta)).whenComplete((outcome, error) -> {
            if (error != null) {
                answer.accept(Ack.error(key, nodeId, "local store: " + error.getMessage()));
            } else if (outcome == WriteOutcome.CONFLICT) {
                metrics.conflict();
                answer.accept(Ack.conflict(key, nodeId));
            } else {
                if (outcome == WriteOutcome.STORED) {
                    metrics.replicaWrites(1);
                }
                answer.accept(Ack.ok(key, nodeId));
            }
        });
    }

    @Override
    public Optional<ReplicaMeta> storedMeta(String key) {
        try {
            return plans.meta(key);
        } catch (StoreException e) {
            // unreadable meta only costs the replay shortcut: the put is planned afresh
            return Optional.empty();
        }
    }

    @Override
    public void updatePlans(List<MetaUpdate> updates) {
        try {
            plans.updatePlans(updates, nodeId);
        } catch (StoreException e) {
            log.warn("{} plan updates of finished puts not written to the local store ({}); this node's plans still "
                    + "name their failed replicas, until a repair by another holder or `alldata repair check` rewrites "
                    + "them", updates.size(), e.getMessage());
        }
    }

    @Override
    public void markFailed(List<String> keys) {
        try {
            failedMarks.markFailed(keys);
        } catch (StoreException e) {
            log.error("{} FAILED puts not recorded in the local store ({}): this node's copies of them stay readable as "
                    + "data (unconfirmed copies)", keys.size(), e.getMessage());
        }
    }

    @Override
    public void clearFailed(List<String> keys) {
        try {
            failedMarks.clearFailed(keys);
        } catch (StoreException e) {
            log.error("FAILED marks of {} puts that COMMITTED after all not cleared in the local store ({}): this node's"
                    + " copies of them stay hidden until cleared (alldata verify lists them)", keys.size(), e.getMessage());
        }
    }
}
