package alldata.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one outcome of an ingest record, published to the results topic keyed by correlation id (JSON:
 * users read it with any Kafka client).
 *
 * @param key           the AllData key ({@code null} when the record was rejected before a key was made)
 * @param correlationId the producer's correlation id (bounded in length for rejected records)
 * @param status        COMMITTED or FAILED
 * @param commitLevel   the level asked for ({@code null} when the header itself was invalid)
 * @param required      replicas the level needs
 * @param acked         replicas stored when the outcome was decided
 * @param replicas      replicas started (the plan, including replicas that failed and were re-placed)
 * @param owed          replicas still missing towards the replication factor when the outcome was decided
 *                      (a degraded write placed fewer replicas than the factor; repair completes them)
 * @param storedOn      for FAILED: the nodes that hold a copy anyway ({@code null} for COMMITTED)
 * @param error         why it failed
 * @param ingest        where the record was read from
 * @param placement     where the acked replicas and the plan are, and whether the plan met the replication strategy
 *                      ({@code null} for a record rejected before it became a put, and in outcomes of older versions)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PutOutcome(String key, String correlationId, Status status, String commitLevel, int required,
                         List<String> acked, List<String> replicas, int owed, List<String> storedOn, String error,
                         IngestPosition ingest, PlacementReport placement) {

    /** Outcome of a put. */
    public enum Status { COMMITTED, FAILED }

    /** Partition and offset of the ingest record. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IngestPosition(int partition, long offset) {
    }

    /**
     * Where a put's replicas are: the zones ({@code region/zone}) and regions its acked replicas and its whole plan
     * (every replica started, as {@code replicas}) span, located in the coordinator's membership view when the outcome
     * was published ({@code unknown} for a node no longer known), the fault domains the put had to span, and whether
     * its plan met the replication strategy or fell back, and why.
     *
     * @param ackedZones   zones of the acked replicas
     * @param ackedRegions regions of the acked replicas
     * @param planZones    zones of every replica started
     * @param planRegions  regions of every replica started
     * @param minZones     zones the acked replicas had to span ({@code alldata-min-zones} or {@code commit.min.zones})
     * @param minRegions   regions they had to span ({@code alldata-min-regions} or {@code commit.min.regions})
     * @param strategyMet  whether the plan placed the other-zone and other-region replicas the strategy asks for and
     *                     spans the required fault domains
     * @param fallback     when it did not, why, e.g. {@code "no live peer in another zone"}; else {@code null}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PlacementReport(List<String> ackedZones, List<String> ackedRegions, List<String> planZones,
                                  List<String> planRegions, int minZones, int minRegions, boolean strategyMet,
                                  String fallback) {
        public PlacementReport {
            ackedZones = ackedZones == null ? List.of() : List.copyOf(ackedZones);
            ackedRegions = ackedRegions == null ? List.of() : List.copyOf(ackedRegions);
            planZones = planZones == null ? List.of() : List.copyOf(planZones);
            planRegions = planRegions == null ? List.of() : List.copyOf(planRegions);
        }
    }

    /** An outcome without a placement report. */
    public PutOutcome(String key, String correlationId, Status status, String commitLevel, int required,
                      List<String> acked, List<String> replicas, int owed, List<String> storedOn, String error,
                      IngestPosition ingest) {
        this(key, correlationId, status, commitLevel, required, acked, replicas, owed, storedOn, error, ingest, null);
    }

    public PutOutcome {
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(status, "status");
        acked = acked == null ? List.of() : List.copyOf(acked);
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        storedOn = storedOn == null ? null : List.copyOf(storedOn);
        if (owed < 0) {
            throw new IllegalArgumentException("owed must not be negative, got " + owed);
        }
    }

    public boolean committed() {
        return status == Status.COMMITTED;
    }

    /**
     * True when {@code other} reports the same outcome: the same key, status and replica set. A record replayed
     * under {@code at_least_once} may repeat its outcome, but only so; anything else contradicts it.
     */
    public boolean sameAs(PutOutcome other) {
        return Objects.equals(key, other.key) && status == other.status && Set.copyOf(replicas).equals(Set.copyOf(other.replicas));
    }
}
