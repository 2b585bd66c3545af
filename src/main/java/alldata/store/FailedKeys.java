package alldata.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The {@code failed} column family: one row per key whose put FAILED ({@link FailedMarks}), and whether there is
 * any row at all. The store marks and clears under its write lock; lookups may come from any thread.
 */
final class FailedKeys {
    /** The value of a {@code failed} row: one byte, 1, so that the row can grow a layout later. */
    private static final byte[] FAILED_MARKER = {1};

    private final RocksDB db;
    private final ColumnFamilyHandle failed;
    private final ColumnFamilyHandle events;
    private final WriteOptions writeOptions;
    private final Path dir;
    /**
     * Whether {@code failed} may hold a key: false for nearly every store (FAILED puts with copies are rare), and then
     * reads and scans skip the lookup altogether.
     */
    private volatile boolean anyFailed;

    FailedKeys(RocksDB db, ColumnFamilyHandle failed, ColumnFamilyHandle events, WriteOptions writeOptions, Path dir) {
        this.db = db;
        this.failed = failed;
        this.events = events;
        this.writeOptions = writeOptions;
        this.dir = dir;
        try (RocksIterator it = db.newIterator(failed)) {
            it.seekToFirst();
            this.anyFailed = it.isValid();
        }
    }

    /** Whether {@code failed} may hold a key at all (no lookup is worth making when it holds none). */
    boolean any() {
        return anyFailed;
    }

    /** Whether {@code key} (ASCII) is marked FAILED. */
    boolean isFailed(byte[] key) {
        if (!anyFailed) {
            return false;
        }
        try {
            return db.get(failed, key) != null;
        } catch (RocksDBException e) {
            throw new StoreException("read of the FAILED marker of " + new String(key, StandardCharsets.US_ASCII)
                    + " from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link FailedMarks#markFailed}. */
    int mark(List<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        List<byte[]> raw = keys.stream().map(k -> k.getBytes(StandardCharsets.US_ASCII)).toList();
        try (WriteBatch batch = new WriteBatch()) {
            List<byte[]> held = db.multiGetAsList(Collections.nCopies(raw.size(), events), raw);
            int holding = 0;
            for (int i = 0; i < raw.size(); i++) {
                batch.put(failed, raw.get(i), FAILED_MARKER);
                if (held.get(i) != null) {
                    holding++;
                }
            }
            anyFailed = true; // before the write: a reader that sees the marker must not skip the lookup
            db.write(writeOptions, batch);
            return holding;
        } catch (RocksDBException e) {
            throw new StoreException("marking " + keys.size() + " events FAILED in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link FailedMarks#clearFailed}. */
    void clear(List<String> keys) {
        if (keys.isEmpty() || !anyFailed) {
            return;
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (String k : keys) {
                batch.delete(failed, k.getBytes(StandardCharsets.US_ASCII));
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StoreException("clearing the FAILED markers of " + keys.size() + " events in " + dir + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** {@link FailedMarks#failedCopies}. */
    List<String> copies(String from, String to, int limit) {
        List<String> out = new ArrayList<>();
        if (!anyFailed) {
            return out;
        }
        try (KeyBounds bounds = KeyBounds.of(from, to, StandardCharsets.US_ASCII);
             RocksIterator it = db.newIterator(failed, bounds.readOptions())) {
            for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
                if (db.get(events, it.key()) != null) {
                    out.add(new String(it.key(), StandardCharsets.US_ASCII));
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("scan of the FAILED markers in " + dir + " failed: " + e.getMessage(), e);
        }
        return out;
    }
}
