package alldata.store;

import alldata.core.IntervalDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kept digest rows ({@code <interval>/<node>}, see {@link KeptDigests}) most recently written, in memory, so that
 * a write batch finds the rows it moves here instead of reading them: rows are loaded on first touch and replaced
 * once their write is on disk. At most {@code maxRows} rows stay, the least recently used leaving first: writes
 * touch the current hour's rows, and hours accumulate.
 *
 * <p>Never ahead of the disk: {@link #stage} computes a batch's new rows without changing the cache, and only
 * {@link #written} takes them in, after the batch was written. Not thread-safe: the store calls it under its write
 * lock.
 */
final class DigestCache {
    private final Map<String, IntervalDigest> rows;

    DigestCache(int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
        this.rows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, IntervalDigest> eldest) {
                return size() > maxRows;
            }
        };
    }

    /** Reads rows from the disk: each row's value there, absent when the row is. */
    @FunctionalInterface
    interface Loader<E extends Exception> {
        Map<String, IntervalDigest> load(List<String> rows) throws E;
    }

    /**
     * The new value of every row {@code changes} touches, computed from the cached rows and, for the rows not cached,
     * from {@code load} (called once, with those rows only, and only when there are any). The cache itself does not
     * change.
     */
    <E extends Exception> Map<String, IntervalDigest> stage(KeptDigests changes, Loader<E> load) throws E {
        List<String> missing = changes.rows().stream().filter(r -> !rows.containsKey(r)).toList();
        Map<String, IntervalDigest> loaded = missing.isEmpty() ? Map.of() : load.load(missing);
        return changes.apply(row -> {
            IntervalDigest cached = rows.get(row);
            return cached != null ? cached : loaded.get(row);
        });
    }

    /** Takes in rows just written to disk (what {@link #stage} returned, once the batch is written). */
    void written(Map<String, IntervalDigest> newRows) {
        rows.putAll(newRows);
    }

    /**
     * Replaces the rows of {@code interval} with {@code byNode} (node to digest), as a reconcile just wrote them: its
     * other rows are gone from the disk, so they leave the cache too.
     */
    void replace(String interval, Map<String, IntervalDigest> byNode) {
        String prefix = KeptDigests.row(interval, "");
        rows.keySet().removeIf(r -> r.startsWith(prefix));
        byNode.forEach((node, d) -> rows.put(KeptDigests.row(interval, node), d));
    }

    /** A copy of the cached rows, least recently used first. */
    Map<String, IntervalDigest> rows() {
        return new LinkedHashMap<>(rows);
    }
}
