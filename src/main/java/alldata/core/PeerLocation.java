package alldata.core;

import java.util.Objects;

/**
 * Where a peer is relative to the coordinator: in the coordinator's own zone, in another zone of the
 * coordinator's region, or in another region.
 */
public sealed interface PeerLocation permits PeerLocation.SameZone, PeerLocation.OtherZone, PeerLocation.OtherRegion {

    /** The coordinator's own zone. */
    static PeerLocation sameZone() {
        return SameZone.INSTANCE;
    }

    /** Another zone, named {@code zone}, of the coordinator's region. */
    static PeerLocation zone(String zone) {
        return new OtherZone(zone);
    }

    /** Another region, named {@code region}. */
    static PeerLocation region(String region) {
        return new OtherRegion(region);
    }

    /**
     * The location of a peer at ({@code peerRegion}, {@code peerZone}) seen from a coordinator at
     * ({@code ownRegion}, {@code ownZone}).
     */
    static PeerLocation relative(String ownRegion, String ownZone, String peerRegion, String peerZone) {
        if (!Objects.equals(ownRegion, peerRegion)) {
            return region(peerRegion);
        }
        return Objects.equals(ownZone, peerZone) ? sameZone() : zone(peerZone);
    }

    /** The coordinator's own zone. */
    enum SameZone implements PeerLocation {
        INSTANCE;

        @Override
        public String toString() {
            return "same zone";
        }
    }

    /** Another zone of the coordinator's region. */
    record OtherZone(String zone) implements PeerLocation {
        public OtherZone {
            requireName(zone, "zone");
        }
    }

    /** Another region. */
    record OtherRegion(String region) implements PeerLocation {
        public OtherRegion {
            requireName(region, "region");
        }
    }

    private static void requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be null or blank");
        }
    }
}
