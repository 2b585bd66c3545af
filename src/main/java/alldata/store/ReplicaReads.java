package alldata.store;

import alldata.core.IntervalDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads of the events a node holds. Keys are ASCII and time-ordered, so a key range is a time range. A copy whose
 * put FAILED ({@link FailedMarks}) is not part of the data: every read here leaves it out, except
 * {@link #scanHeld}, which flags it, and {@link #isFailed}, which tells such a copy from no copy.
 */
public interface ReplicaReads {
    /** The event stored under {@code key}, if any and not FAILED. */
    Optional<byte[]> get(String key);

    /** Whether the put of {@code key} is known to have FAILED here ({@link FailedMarks#markFailed}), held or not. */
    boolean isFailed(String key);

    /** Whether the store holds no event. */
    boolean isEmpty();

    /** The first key held at or after {@code from} ({@code null}: the first key of all), if any. */
    Optional<String> firstKeyFrom(String from);

    /**
     * The events with {@code from <= key < to}, streamed in key order, or newest first when {@code newestFirst}.
     * The caller closes the range (try-with-resources); it sees the store as it was when opened.
     *
     * @param from first key (or key prefix) to include; {@code null} for the beginning
     * @param to   first key (or key prefix) to exclude; {@code null} for the end
     */
    EventRange range(String from, String to, boolean newestFirst);

    /**
     * Events with {@code from <= key < to}, in key (time) order, at most {@code limit}.
     *
     * @param from first key (or key prefix) to include; {@code null} for the beginning
     * @param to   first key (or key prefix) to exclude; {@code null} for the end
     */
    List<StoredEvent> scan(String from, String to, int limit);

    /**
     * The newest {@code limit} events with {@code from <= key < to}, returned in key (time) order, like
     * {@link #scan}: "the latest events" without knowing when they were written.
     *
     * @param from first key (or key prefix) to include; {@code null} for the beginning
     * @param to   first key (or key prefix) to exclude; {@code null} for the end
     */
    List<StoredEvent> scanNewest(String from, String to, int limit);

    /**
     * The events held with {@code from <= key < to}, in key order, at most {@code limit}, each with its plan and a
     * hash of its bytes (what repair and digests need, without the bytes themselves), FAILED copies flagged.
     *
     * @param from first key (or prefix) to include; {@code null} for the beginning
     * @param to   first key (or prefix) to exclude; {@code null} for the end
     */
    List<HeldEvent> scanHeld(String from, String to, int limit);

    /**
     * The content hash ({@link IntervalDigest#contentHash}) of each of {@code keys} this node holds; keys it does not
     * hold, and FAILED copies (not a replica), are absent from the answer.
     */
    Map<String, Long> contentHashes(List<String> keys);
}
