package alldata.store;

import alldata.core.IntervalDigest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kept interval digests ({@code digests} column family, layout in {@link KeptDigests}): moved in the same write
 * batch as the events and plans they count, recounted from the data on request, reconciled with the recount.
 *
 * <p>The rows writes touch are kept in memory ({@link DigestCache}), so that a batch in the current hour computes its
 * new rows without reading them; they are written through to RocksDB in the batch itself. Writes, plan updates,
 * reconciles and the count at open call it under the store's write lock; {@link #kept} and {@link #counted} read the
 * disk and may come from any thread.
 *
 * <p>The default column family records that the digests count every event held ({@link #COUNTED_STATE}): a store
 * that predates kept digests is counted once, when first opened by a version that keeps them.
 */
final class DigestBook {
    private static final Logger log = LoggerFactory.getLogger(DigestBook.class);
    /** The node-state record that says the kept digests count every event held. */
    static final String COUNTED_STATE = "digests-counted";
    /**
     * Rows kept in memory, well under a megabyte: weeks of hours at three nodes (four rows an hour), more than a day
     * at a hundred.
     */
    static final int CACHED_ROWS = 4096;
    private static final int RECOUNT_CHUNK = 10_000;

    /** The events held in a key range, as {@link ReplicaReads#scanHeld} lists them. */
    @FunctionalInterface
    interface HeldEvents {
        List<HeldEvent> scan(String from, String to, int limit);
    }

    /** The new rows of one write batch, taken into memory once the batch is written ({@link #written}). */
    static final class Staged {
        private static final Staged NOTHING = new Staged(Map.of(), false);
        private final Map<String, IntervalDigest> rows;
        private final boolean recordsCounted;

        private Staged(Map<String, IntervalDigest> rows, boolean recordsCounted) {
            this.rows = rows;
            this.recordsCounted = recordsCounted;
        }
    }

    private final RocksDB db;
    private final ColumnFamilyHandle digests;
    private final ColumnFamilyHandle states;
    private final byte[] countedKey;
    private final WriteOptions writeOptions;
    private final Path dir;
    private final HeldEvents held;
    private final DigestCache cache;
    /** The store was empty when opened without the {@link #COUNTED_STATE} record: its first write records it. */
    private boolean countedRecordDue;

    /**
     * @param states     the column family of the node's records
     * @param countedKey the key of the {@link #COUNTED_STATE} record in it
     * @param held       lists the events held (the recount reads them)
     * @param cachedRows how many digest rows stay in memory at most
     */
    DigestBook(RocksDB db, ColumnFamilyHandle digests, ColumnFamilyHandle states, byte[] countedKey,
               WriteOptions writeOptions, Path dir, HeldEvents held, int cachedRows) {
        this.db = db;
        this.digests = digests;
        this.states = states;
        this.countedKey = countedKey;
        this.writeOptions = writeOptions;
        this.dir = dir;
        this.held = held;
        this.cache = new DigestCache(cachedRows);
    }

    /**
     * Puts the rows {@code changes} moves into {@code batch} (and the {@link #COUNTED_STATE} record, when due and the
     * batch writes anything), reading only the rows not in memory. Nothing changes in memory until {@link #written}.
     */
    Staged stage(WriteBatch batch, KeptDigests changes) throws RocksDBException {
        Map<String, IntervalDigest> rows = changes.isEmpty() ? Map.of() : cache.stage(changes, this::load);
        for (Map.Entry<String, IntervalDigest> e : rows.entrySet()) {
            batch.put(digests, KeptDigests.bytes(e.getKey()), KeptDigests.encode(e.getValue()));
        }
        boolean recordsCounted = countedRecordDue && batch.count() > 0;
        if (recordsCounted) {
            batch.put(states, countedKey, new byte[] {1});
        }
        return rows.isEmpty() && !recordsCounted ? Staged.NOTHING : new Staged(rows, recordsCounted);
    }

    /** The batch {@code staged} went into is written: its rows are what the disk holds now. */
    void written(Staged staged) {
        cache.written(staged.rows);
        if (staged.recordsCounted) {
            countedRecordDue = false;
        }
    }

    private Map<String, IntervalDigest> load(List<String> rows) throws RocksDBException {
        List<byte[]> rowKeys = rows.stream().map(KeptDigests::bytes).toList();
        List<byte[]> values = db.multiGetAsList(Collections.nCopies(rowKeys.size(), digests), rowKeys);
        Map<String, IntervalDigest> out = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            IntervalDigest d = KeptDigests.decode(values.get(i));
            if (d != null) {
                out.put(rows.get(i), d);
            }
        }
        return out;
    }

    /**
     * Counts the events of a store that predates kept digests, once (at open): then kept and recounted digests agree.
     * An empty store has nothing to count: its first write records that its digests count every event.
     */
    void countExistingOnce() {
        try {
            if (db.get(states, countedKey) != null) {
                return;
            }
            String from = null;
            int counted = 0;
            while (true) {
                List<HeldEvent> chunk = held.scan(from, null, RECOUNT_CHUNK);
                if (chunk.isEmpty()) {
                    break;
                }
                KeptDigests all = new KeptDigests();
                for (HeldEvent e : chunk) {
                    all.add(e.key(), IntervalDigest.eventHash(e.key(), e.contentHash()),
                            e.meta() == null ? List.of() : e.meta().replicas(), true);
                }
                try (WriteBatch batch = new WriteBatch()) {
                    Staged staged = stage(batch, all);
                    db.write(writeOptions, batch);
                    written(staged);
                }
                counted += chunk.size();
                from = chunk.get(chunk.size() - 1).key() + "\0";
            }
            if (counted == 0) {
                countedRecordDue = true; // opening an empty store writes nothing
                return;
            }
            log.info("counted the interval digests of the {} events already in {}", counted, dir);
            db.put(states, writeOptions, countedKey, new byte[] {1});
        } catch (RocksDBException e) {
            throw new StoreException("counting the digests of " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link ReplicaDigests#keptDigests}: read from the disk. */
    Map<String, Map<String, IntervalDigest>> kept(String from, String to) {
        Map<String, Map<String, IntervalDigest>> out = new TreeMap<>();
        try (KeyBounds bounds = KeyBounds.of(from, to, StandardCharsets.UTF_8);
             RocksIterator it = db.newIterator(digests, bounds.readOptions())) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                String row = new String(it.key(), StandardCharsets.UTF_8);
                int slash = row.indexOf('/');
                IntervalDigest d = KeptDigests.decode(it.value());
                if (slash > 0 && d.count() != 0) {
                    out.computeIfAbsent(row.substring(0, slash), k -> new TreeMap<>()).put(row.substring(slash + 1), d);
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("read of the kept digests of " + dir + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** {@link ReplicaDigests#countedDigests}: a recount from the events held and their plans. */
    Map<String, Map<String, IntervalDigest>> counted(String from, String to) {
        Map<String, Map<String, IntervalDigest>> out = new TreeMap<>();
        String next = from;
        while (true) {
            List<HeldEvent> chunk = held.scan(next, to, RECOUNT_CHUNK);
            for (HeldEvent e : chunk) {
                long hash = IntervalDigest.eventHash(e.key(), e.contentHash());
                Map<String, IntervalDigest> rows = out.computeIfAbsent(IntervalDigest.intervalOf(e.key()),
                        k -> new TreeMap<>());
                Set<String> nodes = new LinkedHashSet<>(e.meta() == null ? List.of() : e.meta().replicas());
                nodes.add(KeptDigests.ALL);
                for (String n : nodes) {
                    rows.merge(n, IntervalDigest.EMPTY.plus(hash), IntervalDigest::plus);
                }
            }
            if (chunk.size() < RECOUNT_CHUNK) {
                return out;
            }
            next = chunk.get(chunk.size() - 1).key() + "\0";
        }
    }

    /** {@link ReplicaDigests#keptDigestsDrifted}. */
    boolean drifted(String interval) {
        return !recount(interval).equals(kept(interval));
    }

    /** {@link ReplicaDigests#reconcileKeptDigests}; the caller holds writes off meanwhile. */
    boolean reconcile(String interval) {
        Map<String, IntervalDigest> counted = recount(interval);
        if (counted.equals(kept(interval))) {
            return false;
        }
        try (WriteBatch batch = new WriteBatch()) {
            // rows are "<interval>/<node>": '0' follows '/'
            batch.deleteRange(digests, KeptDigests.bytes(interval + "/"), KeptDigests.bytes(interval + "0"));
            for (Map.Entry<String, IntervalDigest> e : counted.entrySet()) {
                batch.put(digests, KeptDigests.bytes(KeptDigests.row(interval, e.getKey())), KeptDigests.encode(e.getValue()));
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StoreException("reconciling the digests of " + interval + " in " + dir + " failed: " + e.getMessage(), e);
        }
        cache.replace(interval, counted);
        return true;
    }

    private Map<String, IntervalDigest> recount(String interval) {
        return counted(interval, IntervalDigest.upperBound(interval)).getOrDefault(interval, Map.of());
    }

    private Map<String, IntervalDigest> kept(String interval) {
        return kept(interval, IntervalDigest.upperBound(interval)).getOrDefault(interval, Map.of());
    }

    /** The rows in memory now (tests compare them with the disk and with a recount). */
    Map<String, IntervalDigest> cachedRows() {
        return cache.rows();
    }
}
