package alldata.dev;

import alldata.sidecar.Sidecar;
import alldata.sidecar.config.SidecarConfig;
import alldata.sidecar.coordinator.PassThroughHop;
import alldata.sidecar.coordinator.CoordinatorTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A do-nothing Kafka Streams hop: one pass-through instance per sidecar (topic {@link #in} to topic {@link #out},
 * no processing, no state) with the coordinator's own Streams settings and loop machinery ({@link PassThroughHop}),
 * so that a round trip through it shows what the framework costs before AllData does any work.
 */
final class StreamsFloor implements AutoCloseable {
    private final String in;
    private final String out;
    private final List<KafkaStreams> instances = new ArrayList<>();

    private StreamsFloor(String in, String out) {
        this.in = in;
        this.out = out;
    }

    /** Creates the floor's topics (named after {@code prefix}) and starts one instance beside each sidecar. */
    static StreamsFloor start(LocalCluster cluster, String prefix, int partitions) throws Exception {
        StreamsFloor floor = new StreamsFloor(prefix + "floor-in", prefix + "floor-out");
        Bench.createTopic(cluster.bootstrapServers(), floor.in, partitions);
        Bench.createTopic(cluster.bootstrapServers(), floor.out, partitions);
        try {
            String app = prefix.replace('.', '-') + "floor";
            for (Sidecar s : cluster.sidecars()) {
                Properties props = CoordinatorTopology.streamsConfig(Sidecar.streamsSettings(s.config()),
                        s.topicReplication());
                props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
                props.put(StreamsConfig.CLIENT_ID_CONFIG, app + "-" + s.nodeId());
                props.put(StreamsConfig.STATE_DIR_CONFIG, s.config().dataDir().resolve("floor").toAbsolutePath().toString());
                PassThroughHop hop = new PassThroughHop(floor.in, floor.out, s.config().get(SidecarConfig.COMMIT_MIN_INTERVAL_MS));
                KafkaStreams k = new KafkaStreams(hop.topology(), props, hop.clientSupplier());
                floor.instances.add(k);
                k.start();
            }
            return floor;
        } catch (Exception | Error e) {
            floor.close();
            throw e;
        }
    }

    String in() {
        return in;
    }

    String out() {
        return out;
    }

    @Override
    public void close() {
        // all at once and leaving the group: an instance that stays in the group holds the others'
        // closing in a rebalance until its session times out (measured: 15 s per instance)
        CloseOptions leave = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
        instances.forEach(k -> k.close(leave.withTimeout(Duration.ZERO)));
        instances.forEach(k -> k.close(leave.withTimeout(Duration.ofSeconds(30))));
    }
}
