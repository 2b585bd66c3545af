package alldata.sidecar.kafka;

import java.util.Optional;

/**
 * How the Kafka topics a sidecar creates are replicated (its own topics and Kafka Streams' changelog): the
 * replication factor and the {@code min.insync.replicas} that go with it.
 *
 * @param replicationFactor  replicas of every partition
 * @param minInsyncReplicas  replicas that must have a write before it is acknowledged ({@code acks=all})
 * @param brokers            brokers Kafka reported when this was decided
 * @param configured         whether {@code topic.replication.factor} was set, rather than derived from the brokers
 */
public record TopicReplication(short replicationFactor, short minInsyncReplicas, int brokers, boolean configured) {

    /** Replicas used when {@code topic.replication.factor} is unset and the cluster has enough brokers. */
    public static final short DEFAULT_REPLICAS = 3;

    /** The most replicas a write waits for: with 3 replicas, one broker may be lost and writes go on. */
    public static final short MAX_MIN_INSYNC_REPLICAS = 2;

    /**
     * The replication of a cluster of {@code brokers}: {@code configured} when set, else min(3, brokers); and
     * {@code min.insync.replicas} min(2, replication factor).
     *
     * @param configured {@code topic.replication.factor}, if set
     * @param brokers    brokers Kafka reports (describeCluster); fewer than 1 counts as 1
     */
    public static TopicReplication decide(Optional<Short> configured, int brokers) {
        int known = Math.max(1, brokers);
        short rf = configured.orElse((short) Math.min(DEFAULT_REPLICAS, known));
        short minIsr = (short) Math.min(MAX_MIN_INSYNC_REPLICAS, rf);
        return new TopicReplication(rf, minIsr, known, configured.isPresent());
    }

    /**
     * What to warn about, if anything: a single replica on a cluster that could hold more, where one broker's loss
     * stops AllData.
     */
    public Optional<String> warning() {
        if (replicationFactor == 1 && brokers > 1) {
            return Optional.of("topic.replication.factor is 1 on a Kafka cluster of " + brokers + " brokers: the loss"
                    + " of one broker stops the puts whose partitions it leads; set topic.replication.factor=3, or"
                    + " leave it unset for min(3, brokers)");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "replication factor " + replicationFactor + " (" + (configured ? "topic.replication.factor"
                : "min(3, " + brokers + " brokers)") + "), min.insync.replicas " + minInsyncReplicas;
    }
}
