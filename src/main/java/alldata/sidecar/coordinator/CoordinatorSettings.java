package alldata.sidecar.coordinator;

import alldata.core.CommitLevel;
import alldata.core.ReplicationStrategy;
import alldata.core.SpreadRequirement;
import alldata.core.WhenShort;
import java.util.Objects;

/**
 * What a coordinator task needs to know, taken from the sidecar's configuration once (so that the
 * processor can be built and tested without a whole sidecar config).
 *
 * @param nodeId            this node's id
 * @param strategy          replication factor and zone/region strategy
 * @param defaultLevel      commit level of puts that do not say
 * @param replicaTimeoutMs  time a replica has to answer before it is re-placed
 * @param putTimeoutMs      time a put waits for its commit level before it FAILS
 * @param whenShort         what a put does when fewer nodes are live than the replication factor
 * @param limits            what an ingest record may carry
 * @param maxPendingPuts    puts in flight per task before its ingest partition is paused
 * @param maxPendingBytes   event bytes in flight per task before its ingest partition is paused
 * @param maxBatchBytes     a destination's command record is sent once its events reach this size
 * @param commitMinIntervalMs shortest time between two commits a task asks for (exactly-once)
 * @param spread            fault domains a put's acked replicas must span unless its headers say otherwise
 */
public record CoordinatorSettings(String nodeId, ReplicationStrategy strategy, CommitLevel defaultLevel, long replicaTimeoutMs,
                           long putTimeoutMs, WhenShort whenShort, IngestLimits limits, int maxPendingPuts, long maxPendingBytes,
                           int maxBatchBytes, long commitMinIntervalMs, SpreadRequirement spread) {
    public CoordinatorSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(defaultLevel, "defaultLevel");
        Objects.requireNonNull(whenShort, "whenShort");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(spread, "spread");
    }

    /** Settings without a fault-domain requirement (the seed's commit rule). */
    CoordinatorSettings(String nodeId, ReplicationStrategy strategy, CommitLevel defaultLevel, long replicaTimeoutMs,
                        long putTimeoutMs, WhenShort whenShort, IngestLimits limits, int maxPendingPuts,
                        long maxPendingBytes, int maxBatchBytes, long commitMinIntervalMs) {
        this(nodeId, strategy, defaultLevel, replicaTimeoutMs, putTimeoutMs, whenShort, limits, maxPendingPuts,
                maxPendingBytes, maxBatchBytes, commitMinIntervalMs, SpreadRequirement.NONE);
    }

    int replicationFactor() {
        return strategy.replicationFactor();
    }
}
