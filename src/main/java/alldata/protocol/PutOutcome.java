package alldata.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * The one outcome of a put, published to the results topic keyed by correlation id.
 *
 * @param key           the AllData key ({@code null} when the event was rejected before a key was made)
 * @param correlationId the producer's correlation id
 * @param status        COMMITTED or FAILED
 * @param commitLevel   the level asked for ({@code null} when the header itself was invalid)
 * @param required      replicas the level needs
 * @param acked         replicas stored when the outcome was decided
 * @param replicas      replicas started
 * @param error         why it failed
 * @param ingest        where the event was read from
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PutOutcome(String key, String correlationId, Status status, String commitLevel, int required,
                         List<String> acked, List<String> replicas, String error, IngestPosition ingest) {

    /** Outcome of a put. */
    public enum Status { COMMITTED, FAILED }

    /** Partition and offset of the ingest record. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IngestPosition(int partition, long offset) {
    }

    public PutOutcome {
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(status, "status");
        acked = acked == null ? List.of() : List.copyOf(acked);
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
    }

    public boolean committed() {
        return status == Status.COMMITTED;
    }
}
