package alldata.core;

/**
 * The placement inputs of a put: how many replicas to create in all (local included) and how many of
 * them to place explicitly in other zones of the local region and in other regions.
 *
 * @param replicationFactor   replicas to create, the local one included; at least 1
 * @param otherZoneReplicas   replicas wanted in other zones of the coordinator's region; at least 0
 * @param otherRegionReplicas replicas wanted in other regions; at least 0
 */
public record ReplicationStrategy(int replicationFactor, int otherZoneReplicas, int otherRegionReplicas) {
    public ReplicationStrategy {
        validate(replicationFactor, otherZoneReplicas, otherRegionReplicas);
    }

    static void validate(int replicationFactor, int otherZoneReplicas, int otherRegionReplicas) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, got " + replicationFactor);
        }
        if (otherZoneReplicas < 0) {
            throw new IllegalArgumentException("otherZoneReplicas must not be negative, got " + otherZoneReplicas);
        }
        if (otherRegionReplicas < 0) {
            throw new IllegalArgumentException(
                    "otherRegionReplicas must not be negative, got " + otherRegionReplicas);
        }
    }
}
