package alldata.sidecar.coordinator;

import alldata.core.PendingPut;
import java.util.Objects;

/**
 * A put in the coordinator's {@code pending-puts} store: the core's {@link PendingPut} plus what only
 * the Kafka layer knows (where the event came from, whom to answer).
 *
 * @param put             the state machine
 * @param correlationId   echoed in the result
 * @param ingestPartition partition of the ingest record (also the ack partition)
 * @param ingestOffset    offset of the ingest record
 * @param startedAtMs     when the coordinator started the put (for commit latency)
 */
public record PendingEntry(PendingPut put, String correlationId, int ingestPartition, long ingestOffset,
                           long startedAtMs) {
    public PendingEntry {
        Objects.requireNonNull(put, "put");
        Objects.requireNonNull(correlationId, "correlationId");
    }

    public PendingEntry with(PendingPut next) {
        return new PendingEntry(next, correlationId, ingestPartition, ingestOffset, startedAtMs);
    }
}
