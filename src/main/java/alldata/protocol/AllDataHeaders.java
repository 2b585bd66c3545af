package alldata.protocol;

/** Names of the Kafka record headers AllData reads and writes. */
public final class AllDataHeaders {
    /** Ingest: the put's commit level, {@code ONE | QUORUM | ALL}. */
    public static final String COMMIT_LEVEL = "alldata-commit-level";
    /** Ingest: the zones the put's acked replicas must span before it commits, a number from 1 to the replication factor. */
    public static final String MIN_ZONES = "alldata-min-zones";
    /** Ingest: the regions the put's acked replicas must span before it commits, as {@link #MIN_ZONES}. */
    public static final String MIN_REGIONS = "alldata-min-regions";
    /** Ingest: echoed as the result's key and {@code correlationId}. */
    public static final String CORRELATION_ID = "alldata-correlation-id";
    /** Dead letter: why the record was rejected. */
    public static final String ERROR = "alldata-error";
    /** Dead letter: where the rejected record was read from. */
    public static final String INGEST_TOPIC = "alldata-ingest-topic";
    public static final String INGEST_PARTITION = "alldata-ingest-partition";
    public static final String INGEST_OFFSET = "alldata-ingest-offset";

    private AllDataHeaders() {
    }
}
