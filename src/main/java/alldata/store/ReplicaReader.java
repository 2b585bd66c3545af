package alldata.store;

import alldata.core.IntervalDigest;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MetaFormat;
import alldata.protocol.ReplicaMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reads of events and plans ({@code events} and {@code meta}): point reads and range walks, FAILED copies left
 * out ({@link FailedKeys}). It keeps the ranges it hands out until they are closed, so that the store can close them
 * before RocksDB. The store checks that it is open before it asks.
 */
final class ReplicaReader {
    private static final Logger log = LoggerFactory.getLogger(ReplicaReader.class);

    private final RocksDB db;
    private final ColumnFamilyHandle events;
    private final ColumnFamilyHandle meta;
    private final FailedKeys failed;
    private final Path dir;
    /** Ranges handed out and not yet closed; guarded by itself. */
    private final Set<RangeWalk> openRanges = new HashSet<>();
    private boolean rangesClosed;

    ReplicaReader(RocksDB db, ColumnFamilyHandle events, ColumnFamilyHandle meta, FailedKeys failed, Path dir) {
        this.db = db;
        this.events = events;
        this.meta = meta;
        this.failed = failed;
        this.dir = dir;
    }

    /** {@link ReplicaReads#get}. */
    Optional<byte[]> get(String key) {
        try {
            byte[] raw = key.getBytes(StandardCharsets.US_ASCII);
            return failed.isFailed(raw) ? Optional.empty() : Optional.ofNullable(db.get(events, raw));
        } catch (RocksDBException e) {
            throw new StoreException("read of key " + key + " from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link ReplicaPlans#meta}. */
    Optional<ReplicaMeta> meta(String key) {
        try {
            byte[] bytes = db.get(meta, key.getBytes(StandardCharsets.US_ASCII));
            return bytes == null ? Optional.empty() : Optional.of(MetaFormat.decode(bytes));
        } catch (RocksDBException | MalformedRecordException e) {
            throw new StoreException("read of metadata for key " + key + " from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link ReplicaReads#contentHashes}. */
    Map<String, Long> contentHashes(List<String> keys) {
        List<byte[]> raw = keys.stream().map(k -> k.getBytes(StandardCharsets.US_ASCII)).toList();
        try {
            List<byte[]> values = db.multiGetAsList(Collections.nCopies(raw.size(), events), raw);
            Map<String, Long> out = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                if (values.get(i) != null && !failed.isFailed(raw.get(i))) {
                    out.put(keys.get(i), IntervalDigest.contentHash(values.get(i)));
                }
            }
            return out;
        } catch (RocksDBException e) {
            throw new StoreException("read of " + keys.size() + " keys from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link ReplicaReads#firstKeyFrom}. */
    Optional<String> firstKeyFrom(String from) {
        try (RocksIterator it = db.newIterator(events)) {
            if (from == null) {
                it.seekToFirst();
            } else {
                it.seek(from.getBytes(StandardCharsets.US_ASCII));
            }
            return it.isValid() ? Optional.of(new String(it.key(), StandardCharsets.US_ASCII)) : Optional.empty();
        }
    }

    /** {@link ReplicaReads#range}; refused once {@link #closeRanges} has run. */
    EventRange range(String from, String to, boolean newestFirst) {
        // made under the lock that closeRanges() takes to collect the open ranges: none is made after that
        synchronized (openRanges) {
            if (rangesClosed) {
                throw new StoreException("replica store in " + dir + " is closed");
            }
            RangeWalk walk = new RangeWalk(db, events, failed, from, to, newestFirst, dir, this::forget);
            openRanges.add(walk);
            return walk;
        }
    }

    private void forget(RangeWalk walk) {
        synchronized (openRanges) {
            openRanges.remove(walk);
        }
    }

    /** Closes every open range and refuses new ones: the store is closing. */
    void closeRanges() {
        List<RangeWalk> walks;
        synchronized (openRanges) {
            rangesClosed = true;
            walks = new ArrayList<>(openRanges);
        }
        walks.forEach(RangeWalk::close);
    }

    /** The first (or, {@code newest}, the last) {@code limit} events of [from, to), in key order. */
    List<StoredEvent> scan(String from, String to, int limit, boolean newest) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        List<StoredEvent> out = new ArrayList<>(Math.min(limit, 1024));
        try (EventRange range = range(from, to, newest)) {
            while (out.size() < limit && range.hasNext()) {
                out.add(range.next());
            }
        }
        if (newest) {
            Collections.reverse(out);
        }
        return out;
    }

    /** {@link ReplicaReads#scanHeld}. */
    List<HeldEvent> scanHeld(String from, String to, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        List<HeldEvent> out = new ArrayList<>(Math.min(limit, 1024));
        try (KeyBounds bounds = KeyBounds.of(from, to, StandardCharsets.US_ASCII);
             RocksIterator ev = db.newIterator(events, bounds.readOptions());
             RocksIterator me = db.newIterator(meta, bounds.readOptions())) {
            ev.seekToFirst();
            me.seekToFirst();
            while (ev.isValid() && out.size() < limit) {
                byte[] key = ev.key();
                // the meta iterator walks alongside: skip plans of events no longer held
                while (me.isValid() && Arrays.compare(me.key(), key) < 0) {
                    me.next();
                }
                ReplicaMeta m = me.isValid() && Arrays.equals(me.key(), key)
                        ? decodePlan(new String(key, StandardCharsets.US_ASCII), me.value(), dir) : null;
                byte[] value = ev.value();
                out.add(new HeldEvent(new String(key, StandardCharsets.US_ASCII), m, IntervalDigest.contentHash(value),
                        value.length, failed.isFailed(key)));
                ev.next();
            }
            ev.status();
            me.status();
        } catch (RocksDBException e) {
            throw new StoreException("scan of " + dir + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** {@link ReplicaPlans#scanPlans}. */
    List<StoredPlan> scanPlans(String from, String to, int limit) {
        List<StoredPlan> out = new ArrayList<>(Math.min(limit, 1024));
        try (KeyBounds bounds = KeyBounds.of(from, to, StandardCharsets.US_ASCII);
             RocksIterator it = db.newIterator(meta, bounds.readOptions())) {
            for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
                if (failed.isFailed(it.key())) {
                    continue;
                }
                String key = new String(it.key(), StandardCharsets.US_ASCII);
                ReplicaMeta m = decodePlan(key, it.value(), dir);
                if (m != null) {
                    out.add(new StoredPlan(key, m));
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("scan of the plans in " + dir + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** The plan in {@code bytes}, or null, with a warning, when it is unreadable (a repair's plan replaces it). */
    static ReplicaMeta decodePlan(String key, byte[] bytes, Path dir) {
        try {
            return MetaFormat.decode(bytes);
        } catch (MalformedRecordException e) {
            log.warn("unreadable plan of {} in {} ignored (a repair's plan replaces it): {}", key, dir, e.getMessage());
            return null;
        }
    }
}
