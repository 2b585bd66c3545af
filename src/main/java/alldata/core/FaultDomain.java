package alldata.core;

import java.util.Objects;

/**
 * Where a node runs: its region and its zone within that region. A zone is named by both, so zone {@code a}
 * of two regions are two zones.
 *
 * @param region the node's region
 * @param zone   the node's zone within {@code region}
 */
public record FaultDomain(String region, String zone) {
    /** A node whose location is not known (it left the membership view): it counts towards no zone or region. */
    public static final FaultDomain UNKNOWN = new FaultDomain("unknown", "unknown");

    public FaultDomain {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(zone, "zone");
    }

    /** False for {@link #UNKNOWN}. */
    public boolean known() {
        return !equals(UNKNOWN);
    }

    /** {@code region/zone}: how outcomes and tools name a zone. */
    public String zoneName() {
        return region + "/" + zone;
    }

    @Override
    public String toString() {
        return zoneName();
    }
}
