package alldata.protocol;

/** Names of the Kafka record headers AllData reads and writes. */
public final class AllDataHeaders {
    /** Ingest: the put's commit level, {@code ONE | QUORUM | ALL}. */
    public static final String COMMIT_LEVEL = "alldata-commit-level";
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
