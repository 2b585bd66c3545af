package alldata.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable replication settings of a {@link Coordinator}: the default commit level, the replication
 * factor, the replication strategy (replicas to place in other zones and other regions) and the time a
 * replica has to answer before it is re-placed.
 *
 * <p>Defaults: {@link CommitLevel#QUORUM}, replication factor 1, no other-zone or other-region replicas,
 * a 30 s replica timeout. The strategy may ask for more placed replicas than the replication factor
 * allows; placement then stops at the replication factor (local, other zones, other regions, same zone).
 */
public final class CoordinatorOptions {
    /** Replica timeout used by the library when none is given. */
    public static final Duration DEFAULT_REPLICA_TIMEOUT = Duration.ofSeconds(30);

    private final CommitLevel commitLevel;
    private final int replicationFactor;
    private final int otherZoneReplicas;
    private final int otherRegionReplicas;
    private final Duration replicaTimeout;
    private final SpreadRequirement spread;

    private CoordinatorOptions(Builder b) {
        this.spread = b.spread;
        this.commitLevel = b.commitLevel;
        this.replicationFactor = b.replicationFactor;
        this.otherZoneReplicas = b.otherZoneReplicas;
        this.otherRegionReplicas = b.otherRegionReplicas;
        this.replicaTimeout = b.replicaTimeout;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default options: QUORUM, replication factor 1, no strategy, 30 s. */
    public static CoordinatorOptions defaults() {
        return builder().build();
    }

    public CommitLevel commitLevel() {
        return commitLevel;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public int otherZoneReplicas() {
        return otherZoneReplicas;
    }

    public int otherRegionReplicas() {
        return otherRegionReplicas;
    }

    public Duration replicaTimeout() {
        return replicaTimeout;
    }

    /**
     * The fault domains a put's acked replicas must span before it commits; {@link SpreadRequirement#NONE} (the
     * default) keeps the seed's rule. Zones are told apart as {@link PeerLocation}s are: every other-region peer of one
     * region counts as one zone of it.
     */
    public SpreadRequirement spread() {
        return spread;
    }

    /** The placement inputs these options describe. */
    public ReplicationStrategy strategy() {
        return new ReplicationStrategy(replicationFactor, otherZoneReplicas, otherRegionReplicas);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoordinatorOptions other
                && commitLevel == other.commitLevel
                && replicationFactor == other.replicationFactor
                && otherZoneReplicas == other.otherZoneReplicas
                && otherRegionReplicas == other.otherRegionReplicas
                && replicaTimeout.equals(other.replicaTimeout)
                && spread.equals(other.spread);
    }

    @Override
    public int hashCode() {
        return Objects.hash(commitLevel, replicationFactor, otherZoneReplicas, otherRegionReplicas, replicaTimeout, spread);
    }

    @Override
    public String toString() {
        return "CoordinatorOptions{commitLevel=" + commitLevel + ", replicationFactor=" + replicationFactor
                + ", otherZoneReplicas=" + otherZoneReplicas + ", otherRegionReplicas=" + otherRegionReplicas
                + ", replicaTimeout=" + replicaTimeout + (spread.none() ? "" : ", spread=" + spread) + '}';
    }

    /** Mutable builder; {@link #build()} validates every value. */
    public static final class Builder {
        private CommitLevel commitLevel = CommitLevel.QUORUM;
        private int replicationFactor = 1;
        private int otherZoneReplicas = 0;
        private int otherRegionReplicas = 0;
        private Duration replicaTimeout = DEFAULT_REPLICA_TIMEOUT;
        private SpreadRequirement spread = SpreadRequirement.NONE;

        private Builder() {
        }

        /** Puts commit only once their acked replicas span {@code spread}; see {@link CoordinatorOptions#spread()}. */
        public Builder spread(SpreadRequirement spread) {
            this.spread = Objects.requireNonNull(spread, "spread");
            return this;
        }

        public Builder commitLevel(CommitLevel commitLevel) {
            this.commitLevel = Objects.requireNonNull(commitLevel, "commitLevel");
            return this;
        }

        public Builder replicationFactor(int replicationFactor) {
            this.replicationFactor = replicationFactor;
            return this;
        }

        public Builder otherZoneReplicas(int otherZoneReplicas) {
            this.otherZoneReplicas = otherZoneReplicas;
            return this;
        }

        public Builder otherRegionReplicas(int otherRegionReplicas) {
            this.otherRegionReplicas = otherRegionReplicas;
            return this;
        }

        public Builder replicaTimeout(Duration replicaTimeout) {
            this.replicaTimeout = Objects.requireNonNull(replicaTimeout, "replicaTimeout");
            return this;
        }

        /**
         * Builds the options.
         *
         * @throws IllegalArgumentException when the replication factor is below 1, a strategy count is
         *     negative or the replica timeout is not positive
         */
        public CoordinatorOptions build() {
            ReplicationStrategy.validate(replicationFactor, otherZoneReplicas, otherRegionReplicas);
            if (replicaTimeout.isZero() || replicaTimeout.isNegative()) {
                throw new IllegalArgumentException("replicaTimeout must be positive, got " + replicaTimeout);
            }
            try {
                replicaTimeout.toMillis();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("replicaTimeout " + replicaTimeout + " is too long to count in milliseconds");
            }
            if (spread.minZones() > replicationFactor || spread.minRegions() > replicationFactor) {
                throw new IllegalArgumentException(spread + " can never be met with replication factor " + replicationFactor);
            }
            return new CoordinatorOptions(this);
        }
    }
}
