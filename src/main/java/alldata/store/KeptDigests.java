package alldata.store;

import alldata.core.IntervalDigest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The changes one store write makes to the kept interval digests ({@code digests} column family): per interval
 * and per node named in an event's plan, a count and an XOR of event hashes, plus one digest per interval over
 * every event held ({@link #ALL}). Collected per write batch, so that each digest row moves once per batch.
 *
 * <p>Row key: {@code <interval>/<node>}; value: i64 count, i64 xor (16 bytes, big-endian).
 */
final class KeptDigests {
    /** The node name of the digest over every event of an interval. */
    static final String ALL = "*";

    private final Map<String, IntervalDigest> changed = new LinkedHashMap<>();
    private final List<Change> pending = new ArrayList<>();

    private record Change(String row, long hash, boolean add) {
    }

    /** Counts an event of hash {@code hash} into the rows of its interval for {@code nodes} (and {@link #ALL}). */
    void add(String key, long hash, Collection<String> nodes, boolean withAll) {
        for (String row : rows(key, nodes, withAll)) {
            pending.add(new Change(row, hash, true));
        }
    }

    /** Takes an event of hash {@code hash} out of the rows of its interval for {@code nodes}. */
    void remove(String key, long hash, Collection<String> nodes) {
        for (String row : rows(key, nodes, false)) {
            pending.add(new Change(row, hash, false));
        }
    }

    private static Set<String> rows(String key, Collection<String> nodes, boolean withAll) {
        String interval = IntervalDigest.intervalOf(key);
        Set<String> rows = new LinkedHashSet<>();
        for (String n : nodes) {
            rows.add(row(interval, n));
        }
        if (withAll) {
            rows.add(row(interval, ALL));
        }
        return rows;
    }

    static String row(String interval, String node) {
        return interval + "/" + node;
    }

    /** The rows the pending changes touch (those not in memory are read once, before {@link #apply}). */
    List<String> rows() {
        return pending.stream().map(Change::row).distinct().toList();
    }

    /**
     * Applies the pending changes to the current values ({@code current} returns the stored digest of a row, or
     * null) and returns the new value of every touched row.
     */
    Map<String, IntervalDigest> apply(Function<String, IntervalDigest> current) {
        for (Change c : pending) {
            IntervalDigest d = changed.computeIfAbsent(c.row(), r -> {
                IntervalDigest stored = current.apply(r);
                return stored == null ? IntervalDigest.EMPTY : stored;
            });
            changed.put(c.row(), c.add() ? d.plus(c.hash()) : d.minus(c.hash()));
        }
        pending.clear();
        return changed;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    static byte[] encode(IntervalDigest d) {
        return ByteBuffer.allocate(16).putLong(d.count()).putLong(d.xor()).array();
    }

    static IntervalDigest decode(byte[] b) {
        if (b == null) {
            return null;
        }
        if (b.length != 16) {
            throw new StoreException("a kept digest has " + b.length + " bytes, expected 16");
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new IntervalDigest(buf.getLong(), buf.getLong());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
