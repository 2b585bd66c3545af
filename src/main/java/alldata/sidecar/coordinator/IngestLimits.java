package alldata.sidecar.coordinator;

/**
 * What an ingest record may carry; anything beyond is rejected before any work is done on it.
 *
 * @param maxEventBytes  largest event value in bytes, surrounding whitespace included ({@code max.event.bytes});
 *                       an event of exactly this size is accepted
 * @param maxKeyBytes    largest record key and largest correlation id in UTF-8 bytes ({@code max.key.bytes}):
 *                       both become keys of records AllData writes (dead letters, results)
 * @param maxHeaderBytes largest total of all header names (UTF-8) and values of one record ({@code max.header.bytes})
 * @param maxDepth       deepest nesting of objects and arrays in an event, the event's own object counting
 *                       as 1 ({@code max.event.depth})
 */
public record IngestLimits(int maxEventBytes, int maxKeyBytes, int maxHeaderBytes, int maxDepth) {
    /** Size of the smallest event, {@code {}}. */
    static final int MIN_EVENT_BYTES = 2;
    /**
     * A correlation id is echoed in every outcome and kept with its pending put; the results and changelog
     * topics are sized for it, so it stays far below a record's size.
     */
    static final int MAX_KEY_BYTES = 1 << 20;
    /**
     * Jackson's default reader limit: every event AllData accepts can be read back by a consumer with a
     * default-configured Jackson (and recursive JSON readers do not run out of stack well below that).
     */
    static final int MAX_DEPTH = 1_000;

    public IngestLimits {
        if (maxEventBytes < MIN_EVENT_BYTES) {
            throw new IllegalArgumentException("max.event.bytes must be at least " + MIN_EVENT_BYTES
                    + " (the size of {}), got " + maxEventBytes);
        }
        if (maxKeyBytes < 1 || maxKeyBytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("max.key.bytes must be within 1.." + MAX_KEY_BYTES
                    + ", got " + maxKeyBytes);
        }
        if (maxHeaderBytes < 1) {
            throw new IllegalArgumentException("max.header.bytes must be positive, got " + maxHeaderBytes);
        }
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("max.event.depth must be within 1.." + MAX_DEPTH + ", got " + maxDepth);
        }
    }
}
