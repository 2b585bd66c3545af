package alldata.sidecar.coordinator;

import alldata.core.CommitLevel;
import alldata.core.SpreadRequirement;
import java.util.Arrays;
import java.util.Objects;

/** What {@link IngestValidator} made of one ingest record: a put to start, or a reason to reject it. */
sealed interface IngestDecision permits IngestDecision.Accepted, IngestDecision.Rejected {

    /** The correlation id the outcome is published under. */
    String correlationId();

    /**
     * A record to store.
     *
     * @param key           the ingest-derived AllData key of the record
     * @param event         the exact bytes of the event's JSON object, without surrounding whitespace (the
     *                      record's value itself when it had none)
     * @param level         the commit level: the record's header, else the default
     * @param correlationId the record's correlation id (see {@link IngestValidator#check})
     * @param spread        the fault domains its acked replicas must span: the record's headers, else the default
     */
    record Accepted(String key, byte[] event, CommitLevel level, String correlationId, SpreadRequirement spread)
            implements IngestDecision {
        public Accepted {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(correlationId, "correlationId");
            Objects.requireNonNull(spread, "spread");
        }

        /** A record without a fault-domain requirement. */
        public Accepted(String key, byte[] event, CommitLevel level, String correlationId) {
            this(key, event, level, correlationId, SpreadRequirement.NONE);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Accepted a && key.equals(a.key) && Arrays.equals(event, a.event) && level == a.level
                    && correlationId.equals(a.correlationId) && spread.equals(a.spread);
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, Arrays.hashCode(event), level, correlationId, spread);
        }

        @Override
        public String toString() {
            return "Accepted[key=" + key + ", event=" + event.length + " bytes, level=" + level
                    + ", correlationId=" + correlationId + (spread.none() ? "" : ", spread=" + spread) + "]";
        }
    }

    /**
     * A record that must not be stored: it gets a FAILED outcome and a dead letter.
     *
     * @param reason        one line saying what is wrong and which limit or rule it breaks
     * @param correlationId the record's correlation id; when the id itself is unusable (too long, not UTF-8)
     *                      a bounded stand-in, see {@link IngestValidator#check}
     * @param level         the commit level, or null when the commit-level header itself was bad (or the check
     *                      failed unexpectedly)
     */
    record Rejected(String reason, String correlationId, CommitLevel level) implements IngestDecision {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(correlationId, "correlationId");
        }
    }
}
