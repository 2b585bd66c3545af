package alldata.core;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How many fault domains a put's acked replicas must span before it commits, besides its commit level's count:
 * at least {@code minZones} zones and {@code minRegions} regions. Nodes of unknown location count towards none.
 * {@link #NONE} (1, 1) is the seed's rule: any acked replica spans one zone and one region.
 *
 * @param minZones   distinct zones (region and zone) the acked replicas must span; at least 1
 * @param minRegions distinct regions the acked replicas must span; at least 1
 */
public record SpreadRequirement(int minZones, int minRegions) {
    /** No requirement beyond the commit level. */
    public static final SpreadRequirement NONE = new SpreadRequirement(1, 1);

    public SpreadRequirement {
        if (minZones < 1) {
            throw new IllegalArgumentException("minZones must be at least 1, got " + minZones);
        }
        if (minRegions < 1) {
            throw new IllegalArgumentException("minRegions must be at least 1, got " + minRegions);
        }
    }

    /** True for {@link #NONE}: only the commit level decides. */
    public boolean none() {
        return minZones <= 1 && minRegions <= 1;
    }

    /** True when {@code domains} span enough zones and regions. */
    public boolean metBy(Collection<FaultDomain> domains) {
        return zones(domains).size() >= minZones && regions(domains).size() >= minRegions;
    }

    /** True when adding {@code d} to {@code have} brings a zone or region that is still missing. */
    public boolean adds(FaultDomain d, Collection<FaultDomain> have) {
        if (!d.known()) {
            return false;
        }
        Set<String> zones = zones(have);
        Set<String> regions = regions(have);
        return zones.size() < minZones && !zones.contains(d.zoneName())
                || regions.size() < minRegions && !regions.contains(d.region());
    }

    /** What {@code domains} lack, e.g. "1 more zone and 1 more region"; empty when the requirement is met. */
    public String shortfall(Collection<FaultDomain> domains) {
        int zones = Math.max(0, minZones - zones(domains).size());
        int regions = Math.max(0, minRegions - regions(domains).size());
        String z = zones == 0 ? "" : zones + " more zone" + (zones == 1 ? "" : "s");
        String r = regions == 0 ? "" : regions + " more region" + (regions == 1 ? "" : "s");
        return z.isEmpty() || r.isEmpty() ? z + r : z + " and " + r;
    }

    /** The distinct known zones of {@code domains}, named {@code region/zone}, sorted. */
    public static List<String> zoneNames(Collection<FaultDomain> domains) {
        return List.copyOf(zones(domains));
    }

    /** The distinct known regions of {@code domains}, sorted. */
    public static List<String> regionNames(Collection<FaultDomain> domains) {
        return List.copyOf(regions(domains));
    }

    private static Set<String> zones(Collection<FaultDomain> domains) {
        Set<String> out = new TreeSet<>();
        for (FaultDomain d : domains) {
            if (d.known()) {
                out.add(d.zoneName());
            }
        }
        return out;
    }

    private static Set<String> regions(Collection<FaultDomain> domains) {
        Set<String> out = new TreeSet<>();
        for (FaultDomain d : domains) {
            if (d.known()) {
                out.add(d.region());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "min zones " + minZones + ", min regions " + minRegions;
    }
}
