package alldata.dev;

import alldata.sidecar.Sidecar;
import alldata.sidecar.coordinator.CommitPolicy;
import alldata.sidecar.coordinator.CoordinatorTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A do-nothing Kafka Streams hop: one pass-through instance per sidecar (topic {@link #in} to topic {@link #out},
 * no processing, no state) with the coordinator's own Streams settings and commit policy, so that a round trip
 * through it shows what the framework costs before AllData does any work.
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
                Properties props = CoordinatorTopology.streamsConfig(s.config());
                props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
                props.put(StreamsConfig.CLIENT_ID_CONFIG, app + "-" + s.nodeId());
                props.put(StreamsConfig.STATE_DIR_CONFIG, s.config().dataDir().resolve("floor").toAbsolutePath().toString());
                ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
                ByteArraySerializer bytesOut = new ByteArraySerializer();
                Topology passThrough = new Topology().addSource("in", bytesIn, bytesIn, floor.in)
                        .addProcessor("pass", PassThrough::new, "in")
                        .addSink("out", floor.out, bytesOut, bytesOut, "pass");
                KafkaStreams k = new KafkaStreams(passThrough, props);
                floor.instances.add(k);
                k.start();
            }
            return floor;
        } catch (Exception | Error e) {
            floor.close();
            throw e;
        }
    }

    /**
     * Forwards every record unchanged and, like the coordinator, asks for a commit at the end of each cycle
     * in which it forwarded anything ({@link CommitPolicy}): with exactly-once the hop's output is visible
     * only once committed, and the floor must pay what the coordinator pays, no more and no less.
     */
    private static final class PassThrough implements Processor<byte[], byte[], byte[], byte[]> {
        private ProcessorContext<byte[], byte[]> context;
        private CommitPolicy commits;

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.commits = CommitPolicy.of(context);
            context.schedule(Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME, now -> commits.endOfCycle(context, now));
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            context.forward(record);
            commits.produced(1);
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
