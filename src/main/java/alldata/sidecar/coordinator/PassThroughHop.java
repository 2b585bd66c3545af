package alldata.sidecar.coordinator;

import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A do-nothing Kafka Streams hop (topic {@code in} to topic {@code out}) that runs on exactly the
 * coordinator's loop machinery: the same end-of-cycle punctuation, {@link CommitPolicy} and poll wake-ups
 * ({@link IngestGate}). The benchmark's floor: what one Streams hop costs before AllData does any work,
 * with neither more nor less waiting than the coordinator has.
 */
public final class PassThroughHop {
    private final IngestGate gate = new IngestGate();
    private final Topology topology;

    /**
     * A hop from {@code in} to {@code out}; each KafkaStreams instance needs its own.
     *
     * @param commitMinIntervalMs the coordinator's {@code commit.min.interval.ms}
     */
    public PassThroughHop(String in, String out, long commitMinIntervalMs) {
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        this.topology = new Topology().addSource("in", bytesIn, bytesIn, in)
                .addProcessor("pass", () -> new Forward(gate, commitMinIntervalMs), "in")
                .addSink("out", out, bytesOut, bytesOut, "pass");
    }

    public Topology topology() {
        return topology;
    }

    /** The clients Streams must use, so that the thread wakes when output waits for its commit. */
    public KafkaClientSupplier clientSupplier() {
        return new CoordinatorClientSupplier(gate);
    }

    private static final class Forward implements Processor<byte[], byte[], byte[], byte[]> {
        private final IngestGate gate;
        private final long commitMinIntervalMs;
        private ProcessorContext<byte[], byte[]> context;
        private CommitPolicy commits;
        private long recordsInCycle;
        private IngestGate.WakeUp wake;

        Forward(IngestGate gate, long commitMinIntervalMs) {
            this.gate = gate;
            this.commitMinIntervalMs = commitMinIntervalMs;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.commits = CommitPolicy.of(context, commitMinIntervalMs);
            this.wake = gate.wakeUp();
            context.schedule(Duration.ofMillis(CoordinatorProcessor.CYCLE_MS), PunctuationType.WALL_CLOCK_TIME, now -> {
                commits.endOfCycle(context, now, false, recordsInCycle);
                recordsInCycle = 0;
                if (commits.waiting(false)) {
                    wake.at(now + CoordinatorProcessor.CYCLE_MS);
                } else {
                    wake.cancel();
                }
            });
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            context.forward(record);
            commits.produced(1);
            recordsInCycle++;
            if (commits.waiting(false)) {
                wake.by(context.currentSystemTimeMs() + CoordinatorProcessor.CYCLE_MS);
            }
        }

        @Override
        public void close() {
            gate.forget(wake);
        }
    }
}
