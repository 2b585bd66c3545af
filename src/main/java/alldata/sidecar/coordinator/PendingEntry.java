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
 * @param startedAtMs     when this owner started (or resumed) the put, for commit latency
 * @param failure         why the put FAILED, without what is stored ({@link alldata.core.PutAction.Failed#cause};
 *                        {@code null} otherwise): the published error appends where it is stored then
 * @param published       whether its outcome is out: a put stays until its outcome is both decided and published
 */
record PendingEntry(PendingPut put, String correlationId, int ingestPartition, long ingestOffset, long startedAtMs,
                    String failure, boolean published) {
    PendingEntry {
        Objects.requireNonNull(put, "put");
        Objects.requireNonNull(correlationId, "correlationId");
    }

    PendingEntry(PendingPut put, String correlationId, int ingestPartition, long ingestOffset, long startedAtMs) {
        this(put, correlationId, ingestPartition, ingestOffset, startedAtMs, null, false);
    }

    PendingEntry with(PendingPut next) {
        return next == put ? this : new PendingEntry(next, correlationId, ingestPartition, ingestOffset, startedAtMs, failure,
                published);
    }

    PendingEntry failedBecause(String reason) {
        return new PendingEntry(put, correlationId, ingestPartition, ingestOffset, startedAtMs, reason, published);
    }

    PendingEntry resumedAt(long nowMs) {
        return new PendingEntry(put, correlationId, ingestPartition, ingestOffset, nowMs, failure, published);
    }

    PendingEntry publishedNow() {
        return new PendingEntry(put, correlationId, ingestPartition, ingestOffset, startedAtMs, failure, true);
    }

    /** Its outcome is decided but not yet out. */
    boolean awaitsPublication() {
        return put.outcome() != PendingPut.Outcome.PENDING && !published;
    }

    String key() {
        return put.key();
    }

    /** Heap bytes this entry holds, roughly: what the pending-bytes bound counts. */
    long weight() {
        return put.event().length + correlationId.length() + 256L;
    }
}
