package alldata.sidecar.coordinator;

import alldata.core.CommitLevel;
import alldata.core.FaultDomain;
import alldata.core.PendingPut;
import alldata.core.Placement;
import alldata.core.ReplicationStrategy;
import alldata.core.SpreadRequirement;
import alldata.protocol.AllDataHeaders;
import alldata.protocol.PutOutcome;
import alldata.protocol.OutcomeJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Publishes outcomes (JSON, keyed by correlation id) to the results topic and rejected records, bytes
 * unchanged, to the dead-letter topic. One call, one record: the processor decides when.
 */
final class OutcomePublisher {
    static final String RESULTS_SINK = "results-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private final ProcessorContext<byte[], byte[]> context;
    private final int replicationFactor;
    private final ReplicationStrategy strategy;
    private final String localId;
    private final Function<String, FaultDomain> locate;
    private long published;

    /**
     * @param strategy the replication strategy plans are judged against
     * @param localId  this node: the first replica of every plan it makes
     * @param locate   where a node runs, in this node's membership view now ({@link FaultDomain#UNKNOWN} if unknown)
     */
    OutcomePublisher(ProcessorContext<byte[], byte[]> context, ReplicationStrategy strategy, String localId,
                     Function<String, FaultDomain> locate) {
        this.context = context;
        this.replicationFactor = strategy.replicationFactor();
        this.strategy = strategy;
        this.localId = localId;
        this.locate = locate;
    }

    void committed(PendingEntry entry, List<String> acked) {
        publish(outcome(entry, PutOutcome.Status.COMMITTED, acked, null, null));
    }

    /**
     * Publishes a FAILED outcome. Its error is {@code cause} and where the event is stored now, made here and not
     * when the outcome was decided: replicas answer until none runs, so the text agrees with {@code storedOn}.
     *
     * @param cause why it failed ({@link alldata.core.PutAction.Failed#cause})
     */
    void failed(PendingEntry entry, String cause) {
        PendingPut put = entry.put();
        publish(outcome(entry, PutOutcome.Status.FAILED, put.storedOn(), put.storedOn(), put.failureReport(cause)));
    }

    private PutOutcome outcome(PendingEntry entry, PutOutcome.Status status, List<String> acked,
                               List<String> storedOn, String error) {
        PendingPut put = entry.put();
        List<String> replicas = put.replicas().stream().map(PendingPut.Replica::node).toList();
        return new PutOutcome(put.key(), entry.correlationId(), status, put.commitLevel().name(), put.required(),
                acked, replicas, put.owed(), storedOn, error,
                new PutOutcome.IngestPosition(entry.ingestPartition(), entry.ingestOffset()), placement(put, acked));
    }

    /**
     * Where the acked replicas and the plan are, located now in the membership view: a node that left since the put
     * started is {@code unknown}. The plan judged against the strategy is the replicas first started; the first is
     * the local node, unless the put replays a plan recorded elsewhere.
     */
    private PutOutcome.PlacementReport placement(PendingPut put, List<String> acked) {
        List<FaultDomain> ackedAt = acked.stream().map(locate).toList();
        List<FaultDomain> planAt = put.replicas().stream().map(r -> locate.apply(r.node())).toList();
        List<FaultDomain> firstPlanned = new ArrayList<>();
        for (PendingPut.Replica r : put.replicas()) {
            if (r.attempt() == 1 && !r.node().equals(localId)) {
                firstPlanned.add(locate.apply(r.node()));
            }
        }
        String fallback = Placement.fallback(strategy, put.spread(), locate.apply(localId), firstPlanned);
        return new PutOutcome.PlacementReport(names(ackedAt, true), names(ackedAt, false), names(planAt, true),
                names(planAt, false), put.spread().minZones(), put.spread().minRegions(), fallback == null, fallback);
    }

    /** Zone ({@code region/zone}) or region names, sorted and distinct, with {@code unknown} for unknown nodes. */
    private static List<String> names(List<FaultDomain> domains, boolean zones) {
        List<String> out = new ArrayList<>(zones ? SpreadRequirement.zoneNames(domains) : SpreadRequirement.regionNames(domains));
        if (domains.stream().anyMatch(d -> !d.known())) {
            out.add("unknown");
        }
        return out;
    }

    /** A record that never became a put: a FAILED outcome with the reason, and the record itself as a dead letter. */
    void rejected(Record<byte[], byte[]> record, RecordMetadata md, IngestDecision.Rejected r) {
        CommitLevel level = r.level();
        publish(new PutOutcome(null, r.correlationId(), PutOutcome.Status.FAILED, level == null ? null : level.name(),
                level == null ? 0 : level.required(replicationFactor), List.of(), List.of(), 0, List.of(), r.reason(),
                new PutOutcome.IngestPosition(md.partition(), md.offset())));
        Headers headers = new RecordHeaders(record.headers().toArray())
                .add(AllDataHeaders.ERROR, r.reason().getBytes(StandardCharsets.UTF_8))
                .add(AllDataHeaders.INGEST_TOPIC, md.topic().getBytes(StandardCharsets.UTF_8))
                .add(AllDataHeaders.INGEST_PARTITION, Integer.toString(md.partition()).getBytes(StandardCharsets.UTF_8))
                .add(AllDataHeaders.INGEST_OFFSET, Long.toString(md.offset()).getBytes(StandardCharsets.UTF_8));
        if (record.headers().lastHeader(AllDataHeaders.CORRELATION_ID) == null) {
            headers.add(AllDataHeaders.CORRELATION_ID, r.correlationId().getBytes(StandardCharsets.UTF_8));
        }
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), DEAD_LETTER_SINK);
    }

    /** Outcomes published so far. */
    long published() {
        return published;
    }

    private void publish(PutOutcome o) {
        published++;
        context.forward(new Record<>(o.correlationId().getBytes(StandardCharsets.UTF_8), OutcomeJson.encode(o),
                context.currentSystemTimeMs()), RESULTS_SINK);
    }
}
