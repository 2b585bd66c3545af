package alldata.store;

import alldata.core.ConflictException;
import alldata.core.IntervalDigest;
import alldata.core.ReplicaStore;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MetaFormat;
import alldata.protocol.MetaUpdate;
import alldata.protocol.ReplicaMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's replicas in RocksDB, write-once: an absent key is written, the same bytes again are an
 * idempotent success, different bytes are a conflict that leaves the stored event untouched.
 *
 * <p>Column family {@code events} maps key to event bytes; {@code meta} maps key to the replica's
 * {@link ReplicaMeta} ({@link MetaFormat}). Keys are ASCII and time-ordered, so a key-range scan is a time-range scan.
 * {@code digests} keeps, per hour interval and per node named in the plans, the {@link IntervalDigest} of the
 * events held, updated in the same write batch as the events and plans they count (see {@link #keptDigests}).
 * The default column family holds the node's own small records under names ({@link #state}, e.g. its identity
 * and repair progress). {@code failed} holds the keys whose put FAILED ({@link #markFailed}): a copy under such a key
 * is not part of the data, so reads ({@link #get}, {@link #range}), repair's plans ({@link #scanPlans}) and
 * holdings ({@link #contentHashes}) leave it out. The marker is a key of its own, independent of the event: it
 * holds also when it arrives before the event, and no later write of the event clears it (write-once).
 *
 * <p>Durability uses group commit: {@link #write(List)} stores a whole batch with one WAL sync, and
 * {@link #put(String, byte[])} queues the write for a writer thread that drains everything queued into
 * one such batch. Futures of {@code put} complete on that writer thread.
 *
 * <p>RocksDB statistics are on (the default level, without per-operation timers), so that operators
 * see bytes written, WAL syncs, write stalls and cache hits: {@link #counter(Counter)} and
 * {@link #property(Property)}.
 */
public final class RocksReplicaStore implements ReplicaStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RocksReplicaStore.class);
    private static final int MAX_GROUP = 4096;

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final Statistics statistics;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final BloomFilter bloomFilter = new BloomFilter(10, false);
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle defaultCf;
    private final ColumnFamilyHandle events;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle digests;
    private final ColumnFamilyHandle failed;
    /**
     * Whether {@code failed} may hold a key: false for nearly every store (FAILED puts with copies are rare), and then
     * reads and scans skip the lookup altogether.
     */
    private volatile boolean anyFailed;
    private final BlockingQueue<QueuedWrite> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Ranges handed out and not yet closed: closed with the store, before RocksDB itself. */
    private final java.util.Set<RangeWalk> openRanges = new java.util.HashSet<>();
    private final Thread groupCommitter;
    /**
     * Why the last write failed; null after a write succeeds. Written under {@code this} by the writer,
     * read without the lock so that a health check never waits behind a slow or stuck write.
     */
    private volatile String writeFailure;
    private volatile ShortPlanListener shortPlanListener = keys -> { };
    /** The store was empty when opened without a record that its digests are kept: the first write records it. */
    private boolean digestsMarkerDue;
    private static final String DIGESTS_COUNTED = "digests-counted";

    /** Writes waiting for the next group commit: one put, or a caller's whole batch. */
    private record QueuedWrite(List<ReplicaWrite> writes, CompletableFuture<List<WriteOutcome>> done) {
    }

    /**
     * Hears the keys of events just stored, or re-planned, under a plan that names fewer distinct nodes than the
     * event's replication factor (owed replicas). Called on the writing thread after the write: keep it cheap.
     */
    @FunctionalInterface
    public interface ShortPlanListener {
        void shortPlans(List<String> keys);
    }

    /** Store settings. */
    public record Options(boolean syncWrites) {
        /** Durable defaults: every batch is synced to the WAL before it is acknowledged. */
        public static Options durable() {
            return new Options(true);
        }
    }

    private RocksReplicaStore(Path dir, Options options) {
        this.dir = dir;
        this.statistics = new Statistics();
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setIncreaseParallelism(2).setKeepLogFileNum(5).setStatistics(statistics);
        // bloom filters: the coordinator looks up every new key (is it stored already?), and nearly all miss
        this.cfOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloomFilter));
        this.writeOptions = new WriteOptions().setSync(options.syncWrites());
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor("events".getBytes(StandardCharsets.US_ASCII), cfOptions),
                new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.US_ASCII), cfOptions),
                new ColumnFamilyDescriptor("digests".getBytes(StandardCharsets.US_ASCII), cfOptions),
                // created at the first open by this version (setCreateMissingColumnFamilies): older stores read as before
                new ColumnFamilyDescriptor("failed".getBytes(StandardCharsets.US_ASCII), cfOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>(5);
        try {
            Files.createDirectories(dir);
            this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            closeOptions();
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("lock") || msg.contains("LOCK")) {
                throw new StoreLockedException("data directory " + dir + " is in use by another process or store"
                        + " (RocksDB LOCK is held): stop the other sidecar or choose another data directory", e);
            }
            throw new StoreException("cannot open the replica store in " + dir + ": " + msg, e);
        } catch (IOException e) {
            closeOptions();
            throw new StoreException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
        }
        this.defaultCf = handles.get(0);
        this.events = handles.get(1);
        this.meta = handles.get(2);
        this.digests = handles.get(3);
        this.failed = handles.get(4);
        try (RocksIterator it = db.newIterator(failed)) {
            it.seekToFirst();
            this.anyFailed = it.isValid();
        }
        countExistingEventsOnce();
        this.groupCommitter = new Thread(this::runGroupCommits, "alldata-store-" + dir.getFileName());
        this.groupCommitter.setDaemon(true);
        this.groupCommitter.start();
    }

    /** Opens (creating if needed) the durable store in {@code dir}. */
    public static RocksReplicaStore open(Path dir) {
        return open(dir, Options.durable());
    }

    /**
     * Opens (creating if needed) the store in {@code dir}.
     *
     * @throws StoreLockedException when another process or store holds the directory
     * @throws StoreException       when it cannot be opened for another reason
     */
    public static RocksReplicaStore open(Path dir, Options options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        return new RocksReplicaStore(dir.toAbsolutePath(), options);
    }

    /** The directory this store lives in. */
    public Path directory() {
        return dir;
    }

    /**
     * {@link ReplicaStore}: stores the event without metadata. Completes exceptionally with
     * {@link ConflictException} when different bytes are stored under the key.
     */
    @Override
    public CompletableFuture<Void> put(String key, byte[] event) {
        return put(new ReplicaWrite(key, event, null)).thenApply(outcome -> {
            if (outcome == WriteOutcome.CONFLICT) {
                throw new ConflictException(key, "a different event is already stored under key " + key + " in " + dir);
            }
            return null;
        });
    }

    /** Queues one write for the next group commit; completes with its outcome once synced. */
    public CompletableFuture<WriteOutcome> put(ReplicaWrite write) {
        Objects.requireNonNull(write, "write");
        return enqueue(List.of(write)).thenApply(outcomes -> outcomes.get(0));
    }

    private CompletableFuture<List<WriteOutcome>> enqueue(List<ReplicaWrite> writes) {
        CompletableFuture<List<WriteOutcome>> done = new CompletableFuture<>();
        if (closed.get()) {
            done.completeExceptionally(new StoreException("replica store in " + dir + " is closed"));
            return done;
        }
        queue.add(new QueuedWrite(writes, done));
        return done;
    }

    /**
     * Stores a batch with one RocksDB write and one WAL sync (group commit). Each write is checked
     * against what is stored and against earlier writes of the same batch.
     *
     * @return one outcome per write, in order
     * @throws StoreException when RocksDB fails; then nothing of the batch is stored
     */
    public List<WriteOutcome> write(List<ReplicaWrite> writes) {
        ensureOpen();
        if (writes.isEmpty()) {
            return List.of();
        }
        // through the group-commit thread, so that this batch and the local puts queued meanwhile share one
        // WAL sync (a sync costs far more than the writes it covers)
        try {
            return enqueue(writes).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Why the last write failed (for example "No space left on device"), or empty once a write
     * succeeds. After an I/O error RocksDB refuses every later write until the store is reopened
     * (RocksJava has no {@code resume()}), so an operator fixes the disk and restarts the sidecar.
     */
    public Optional<String> writeFailure() {
        return Optional.ofNullable(writeFailure);
    }

    /** Sets the one listener to short plans (repair's; a later call replaces it). */
    public void onShortPlans(ShortPlanListener listener) {
        shortPlanListener = Objects.requireNonNull(listener, "listener");
    }

    /** Whether {@code m} names fewer distinct nodes than its replication factor. */
    static boolean isShort(ReplicaMeta m) {
        List<String> r = m.replicas();
        int distinct = 0;
        for (int i = 0; i < r.size(); i++) {
            if (r.indexOf(r.get(i)) == i) {
                distinct++;
            }
        }
        return distinct < m.replicationFactor();
    }

    private void tellShort(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            shortPlanListener.shortPlans(keys);
        } catch (RuntimeException e) {
            log.warn("the listener to short plans failed on {} keys: {}", keys.size(), e.toString());
        }
    }

    /** Serialized so that the read-check-write of write-once cannot interleave between callers. */
    private synchronized List<WriteOutcome> writeBatch(List<ReplicaWrite> writes) {
        if (writes.isEmpty()) {
            return List.of();
        }
        List<byte[]> keys = new ArrayList<>(writes.size());
        for (ReplicaWrite w : writes) {
            keys.add(w.key().getBytes(StandardCharsets.US_ASCII));
        }
        List<WriteOutcome> outcomes = new ArrayList<>(writes.size());
        List<String> shortPlans = new ArrayList<>(0);
        try (WriteBatch batch = new WriteBatch()) {
            List<byte[]> existing = db.multiGetAsList(java.util.Collections.nCopies(keys.size(), events), keys);
            Map<String, byte[]> inBatch = new HashMap<>();
            KeptDigests counted = new KeptDigests();
            long now = System.currentTimeMillis();
            for (int i = 0; i < writes.size(); i++) {
                ReplicaWrite w = writes.get(i);
                byte[] stored = inBatch.containsKey(w.key()) ? inBatch.get(w.key()) : existing.get(i);
                if (stored == null) {
                    batch.put(events, keys.get(i), w.event());
                    if (w.meta() != null) {
                        batch.put(meta, keys.get(i), MetaFormat.encode(w.meta().storedAt(now)));
                        if (isShort(w.meta())) {
                            shortPlans.add(w.key());
                        }
                    }
                    counted.add(w.key(), IntervalDigest.eventHash(w.key(), w.event()),
                            w.meta() == null ? List.of() : w.meta().replicas(), true);
                    inBatch.put(w.key(), w.event());
                    outcomes.add(WriteOutcome.STORED);
                } else if (Arrays.equals(stored, w.event())) {
                    outcomes.add(WriteOutcome.DUPLICATE);
                } else {
                    log.error("CONFLICT: key {} already holds a different event in {}; the stored event is kept",
                            w.key(), dir);
                    outcomes.add(WriteOutcome.CONFLICT);
                }
            }
            putDigests(batch, counted);
            if (digestsMarkerDue && batch.count() > 0) {
                batch.put(defaultCf, stateKey(DIGESTS_COUNTED), new byte[] {1});
            }
            if (batch.count() > 0) {
                db.write(writeOptions, batch);
                digestsMarkerDue = false;
            }
            writeFailure = null;
        } catch (RocksDBException e) {
            writeFailure = "write to " + dir + " failed: " + e.getMessage();
            throw new StoreException("write of " + writes.size() + " replicas to " + dir + " failed: " + e.getMessage(), e);
        }
        tellShort(shortPlans);
        return outcomes;
    }

    /** Reads the digest rows {@code counted} touches, and puts their new values into {@code batch}. */
    private void putDigests(WriteBatch batch, KeptDigests counted) throws RocksDBException {
        if (counted.isEmpty()) {
            return;
        }
        List<String> rows = counted.rows();
        List<byte[]> rowKeys = rows.stream().map(KeptDigests::bytes).toList();
        List<byte[]> values = db.multiGetAsList(Collections.nCopies(rowKeys.size(), digests), rowKeys);
        Map<String, IntervalDigest> current = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            current.put(rows.get(i), KeptDigests.decode(values.get(i)));
        }
        for (Map.Entry<String, IntervalDigest> e : counted.apply(current::get).entrySet()) {
            batch.put(digests, KeptDigests.bytes(e.getKey()), KeptDigests.encode(e.getValue()));
        }
    }

    /**
     * Applies plan updates from a repair: an update replaces the plan of an event this node holds when its epoch is
     * larger than the stored plan's; the kept digests move with the plan. One write, synced.
     *
     * @param origin the repairing node (recorded as the plan's coordinator)
     * @return one outcome per update, in order
     * @throws StoreException when RocksDB fails; then nothing is changed
     */
    public synchronized List<PlanUpdateOutcome> updatePlans(List<MetaUpdate> updates, String origin) {
        ensureOpen();
        if (updates.isEmpty()) {
            return List.of();
        }
        List<byte[]> keys = updates.stream().map(u -> u.key().getBytes(StandardCharsets.US_ASCII)).toList();
        List<PlanUpdateOutcome> outcomes = new ArrayList<>(updates.size());
        List<String> shortPlans = new ArrayList<>(0);
        try (WriteBatch batch = new WriteBatch()) {
            List<byte[]> held = db.multiGetAsList(Collections.nCopies(keys.size(), events), keys);
            List<byte[]> metas = db.multiGetAsList(Collections.nCopies(keys.size(), meta), keys);
            Map<String, ReplicaMeta> updated = new HashMap<>(); // an event updated twice in one call
            KeptDigests moved = new KeptDigests();
            for (int i = 0; i < updates.size(); i++) {
                MetaUpdate u = updates.get(i);
                if (held.get(i) == null) {
                    outcomes.add(PlanUpdateOutcome.ABSENT);
                    continue;
                }
                ReplicaMeta old = updated.containsKey(u.key()) ? updated.get(u.key())
                        : metas.get(i) == null ? null : decodeMeta(u.key(), metas.get(i));
                if (old != null && old.epoch() >= u.epoch()) {
                    outcomes.add(PlanUpdateOutcome.STALE);
                    continue;
                }
                ReplicaMeta next = old != null ? old.updatedBy(u, origin)
                        : new ReplicaMeta(u.replicas(), origin, u.replicationFactor(), System.currentTimeMillis(), u.epoch());
                long hash = IntervalDigest.eventHash(u.key(), held.get(i));
                Set<String> before = old == null ? Set.of() : new LinkedHashSet<>(old.replicas());
                Set<String> after = new LinkedHashSet<>(next.replicas());
                moved.remove(u.key(), hash, before.stream().filter(n -> !after.contains(n)).toList());
                moved.add(u.key(), hash, after.stream().filter(n -> !before.contains(n)).toList(), false);
                batch.put(meta, keys.get(i), MetaFormat.encode(next));
                updated.put(u.key(), next);
                outcomes.add(PlanUpdateOutcome.APPLIED);
                if (isShort(next)) {
                    shortPlans.add(u.key());
                }
            }
            putDigests(batch, moved);
            if (batch.count() > 0) {
                db.write(writeOptions, batch);
            }
        } catch (RocksDBException e) {
            throw new StoreException("plan update of " + updates.size() + " events in " + dir + " failed: " + e.getMessage(), e);
        }
        tellShort(shortPlans);
        return outcomes;
    }

    /**
     * Records that the puts of {@code keys} FAILED: a copy of such an event, held now or written later, is not part
     * of the data (see the class comment). Keys this node does not hold are recorded too, because a put command may
     * still arrive after its marker. Marking a key again changes nothing; only {@link #clearFailed} takes it back. One write,
     * synced.
     *
     * @return how many of {@code keys} this node holds (a copy it now leaves out)
     * @throws StoreException when RocksDB fails; then nothing is changed
     */
    public synchronized int markFailed(List<String> keys) {
        ensureOpen();
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

    /**
     * Takes back the FAILED markers of {@code keys}: their puts COMMITTED after all (a resumed put whose previous
     * owner's FAILED outcome was aborted with its transaction). A key without a marker is left as it is. One write,
     * synced.
     *
     * @throws StoreException when RocksDB fails; then nothing is changed
     */
    public synchronized void clearFailed(List<String> keys) {
        ensureOpen();
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

    /** The value of a {@code failed} row: one byte, 1, so that the row can grow a layout later. */
    private static final byte[] FAILED_MARKER = {1};

    /** Whether the put of {@code key} is known to have FAILED here ({@link #markFailed}), whether or not it is held. */
    public boolean isFailed(String key) {
        ensureOpen();
        return anyFailed && isFailed(key.getBytes(StandardCharsets.US_ASCII));
    }

    private boolean isFailed(byte[] key) {
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

    /**
     * The keys with {@code from <= key < to} marked FAILED that this node holds a copy of, in key order, at most
     * {@code limit} ({@code alldata verify} lists them).
     */
    public List<String> failedCopies(String from, String to, int limit) {
        ensureOpen();
        List<String> out = new ArrayList<>();
        if (!anyFailed) {
            return out;
        }
        try (Slice lower = from == null ? null : new Slice(from.getBytes(StandardCharsets.US_ASCII));
             Slice upper = to == null ? null : new Slice(to.getBytes(StandardCharsets.US_ASCII));
             ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(failed, ro)) {
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

    private ReplicaMeta decodeMeta(String key, byte[] bytes) {
        try {
            return MetaFormat.decode(bytes);
        } catch (MalformedRecordException e) {
            log.warn("unreadable plan of {} in {} ignored (a repair's plan replaces it): {}", key, dir, e.getMessage());
            return null;
        }
    }

    /**
     * The content hash ({@link IntervalDigest#contentHash}) of each of {@code keys} this node holds; keys it does not
     * hold, and FAILED copies ({@link #markFailed}: not a replica), are absent from the answer.
     */
    public Map<String, Long> contentHashes(List<String> keys) {
        ensureOpen();
        List<byte[]> raw = keys.stream().map(k -> k.getBytes(StandardCharsets.US_ASCII)).toList();
        try {
            List<byte[]> values = db.multiGetAsList(Collections.nCopies(raw.size(), events), raw);
            Map<String, Long> out = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                if (values.get(i) != null && !isFailed(raw.get(i))) {
                    out.put(keys.get(i), IntervalDigest.contentHash(values.get(i)));
                }
            }
            return out;
        } catch (RocksDBException e) {
            throw new StoreException("read of " + keys.size() + " keys from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The events held with {@code from <= key < to}, in key order, at most {@code limit}, each with its plan and a
     * hash of its bytes (what repair and digests need, without the bytes themselves).
     *
     * @param from first key (or prefix) to include; {@code null} for the beginning
     * @param to   first key (or prefix) to exclude; {@code null} for the end
     */
    public List<HeldEvent> scanHeld(String from, String to, int limit) {
        ensureOpen();
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        List<HeldEvent> out = new ArrayList<>(Math.min(limit, 1024));
        try (Slice lower = from == null ? null : new Slice(from.getBytes(StandardCharsets.US_ASCII));
             Slice upper = to == null ? null : new Slice(to.getBytes(StandardCharsets.US_ASCII));
             ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
             RocksIterator ev = db.newIterator(events, ro);
             RocksIterator me = db.newIterator(meta, ro)) {
            ev.seekToFirst();
            me.seekToFirst();
            while (ev.isValid() && out.size() < limit) {
                byte[] key = ev.key();
                // the meta iterator walks alongside: skip plans of events no longer held
                while (me.isValid() && Arrays.compare(me.key(), key) < 0) {
                    me.next();
                }
                ReplicaMeta m = me.isValid() && Arrays.equals(me.key(), key)
                        ? decodeMeta(new String(key, StandardCharsets.US_ASCII), me.value()) : null;
                byte[] value = ev.value();
                out.add(new HeldEvent(new String(key, StandardCharsets.US_ASCII), m, IntervalDigest.contentHash(value),
                        value.length, isFailed(key)));
                ev.next();
            }
            ev.status();
            me.status();
        } catch (RocksDBException e) {
            throw new StoreException("scan of " + dir + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The plans with {@code from <= key < to}, in key order, at most {@code limit}: a scan of the small {@code meta}
     * column family only (repair looks at every plan, and at few events). A plan whose event was deleted behind the
     * store's back is listed too; {@link #contentHashes} tells which are held. Unreadable plans are skipped with a
     * warning, and so are the plans of FAILED copies ({@link #markFailed}): repair never copies those.
     */
    public List<StoredPlan> scanPlans(String from, String to, int limit) {
        ensureOpen();
        List<StoredPlan> out = new ArrayList<>(Math.min(limit, 1024));
        try (Slice lower = from == null ? null : new Slice(from.getBytes(StandardCharsets.US_ASCII));
             Slice upper = to == null ? null : new Slice(to.getBytes(StandardCharsets.US_ASCII));
             ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(meta, ro)) {
            for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
                if (isFailed(it.key())) {
                    continue;
                }
                String key = new String(it.key(), StandardCharsets.US_ASCII);
                ReplicaMeta m = decodeMeta(key, it.value());
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

    /** The first key held at or after {@code from} ({@code null}: the first key of all), if any. */
    public Optional<String> firstKeyFrom(String from) {
        ensureOpen();
        try (RocksIterator it = db.newIterator(events)) {
            if (from == null) {
                it.seekToFirst();
            } else {
                it.seek(from.getBytes(StandardCharsets.US_ASCII));
            }
            return it.isValid() ? Optional.of(new String(it.key(), StandardCharsets.US_ASCII)) : Optional.empty();
        }
    }

    /**
     * The kept digests of the intervals {@code from <= interval < to}: per interval, per node named in the plans of
     * its events (and {@code "*"} for all of them), the digest of the events held whose plan names that node. They
     * count what this store wrote; data lost behind its back (a deleted SST file, a key deleted by hand) is still in
     * them, so a check compares them with a recount from the data.
     */
    public Map<String, Map<String, IntervalDigest>> keptDigests(String from, String to) {
        ensureOpen();
        Map<String, Map<String, IntervalDigest>> out = new java.util.TreeMap<>();
        try (Slice lower = from == null ? null : new Slice(KeptDigests.bytes(from));
             Slice upper = to == null ? null : new Slice(KeptDigests.bytes(to));
             ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(digests, ro)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                String row = new String(it.key(), StandardCharsets.UTF_8);
                int slash = row.indexOf('/');
                IntervalDigest d = KeptDigests.decode(it.value());
                if (slash > 0 && d.count() != 0) {
                    out.computeIfAbsent(row.substring(0, slash), k -> new java.util.TreeMap<>())
                            .put(row.substring(slash + 1), d);
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("read of the kept digests of " + dir + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The digests of the intervals {@code from <= interval < to} counted from the data itself (every event held, and
     * the plan beside it), in the layout of {@link #keptDigests}: what a check must compare, since only a recount
     * sees an event that is gone from the store without the store having deleted it.
     */
    public Map<String, Map<String, IntervalDigest>> countedDigests(String from, String to) {
        Map<String, Map<String, IntervalDigest>> out = new java.util.TreeMap<>();
        String next = from;
        while (true) {
            List<HeldEvent> chunk = scanHeld(next, to, 10_000);
            for (HeldEvent e : chunk) {
                long hash = IntervalDigest.eventHash(e.key(), e.contentHash());
                Map<String, IntervalDigest> rows = out.computeIfAbsent(IntervalDigest.intervalOf(e.key()),
                        k -> new java.util.TreeMap<>());
                Set<String> nodes = new LinkedHashSet<>(e.meta() == null ? List.of() : e.meta().replicas());
                nodes.add(KeptDigests.ALL);
                for (String n : nodes) {
                    rows.merge(n, IntervalDigest.EMPTY.plus(hash), IntervalDigest::plus);
                }
            }
            if (chunk.size() < 10_000) {
                return out;
            }
            next = chunk.get(chunk.size() - 1).key() + "\0";
        }
    }

    /**
     * Makes the kept digests of {@code interval} follow the data again when they do not (see {@link #keptDigests}):
     * recounts the interval and replaces its kept rows, holding writes off meanwhile so that none is missed.
     *
     * @return whether they differed
     */
    public synchronized boolean reconcileKeptDigests(String interval) {
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
        return true;
    }

    /** Whether the digests kept for hour {@code interval} differ from a recount of its data; changes nothing. */
    public boolean keptDigestsDrifted(String interval) {
        return !recount(interval).equals(kept(interval));
    }

    private Map<String, IntervalDigest> recount(String interval) {
        return countedDigests(interval, IntervalDigest.upperBound(interval)).getOrDefault(interval, Map.of());
    }

    private Map<String, IntervalDigest> kept(String interval) {
        return keptDigests(interval, IntervalDigest.upperBound(interval)).getOrDefault(interval, Map.of());
    }

    /** The node's own record {@code name} (identity, repair progress, ...), if written. */
    public Optional<byte[]> state(String name) {
        ensureOpen();
        try {
            return Optional.ofNullable(db.get(defaultCf, stateKey(name)));
        } catch (RocksDBException e) {
            throw new StoreException("read of " + name + " from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** Writes the node's own record {@code name} (synced). */
    public void putState(String name, byte[] value) {
        ensureOpen();
        try {
            db.put(defaultCf, writeOptions, stateKey(name), value);
        } catch (RocksDBException e) {
            throw new StoreException("write of " + name + " to " + dir + " failed: " + e.getMessage(), e);
        }
    }

    private static byte[] stateKey(String name) {
        return ("state/" + name).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the store holds no event. */
    public boolean isEmpty() {
        return firstKeyFrom(null).isEmpty();
    }

    /**
     * Stores that predate kept digests hold events no digest counts: count them once, at the first open with
     * digests, so that kept and recounted digests agree.
     */
    private void countExistingEventsOnce() {
        String marker = DIGESTS_COUNTED;
        if (state(marker).isPresent()) {
            return;
        }
        if (isEmpty()) {
            digestsMarkerDue = true; // nothing to count; opening an empty store writes nothing
            return;
        }
        String from = null;
        int counted = 0;
        while (true) {
            List<HeldEvent> chunk = scanHeld(from, null, 10_000);
            if (chunk.isEmpty()) {
                break;
            }
            KeptDigests all = new KeptDigests();
            for (HeldEvent e : chunk) {
                all.add(e.key(), IntervalDigest.eventHash(e.key(), e.contentHash()),
                        e.meta() == null ? List.of() : e.meta().replicas(), true);
            }
            try (WriteBatch batch = new WriteBatch()) {
                putDigests(batch, all);
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new StoreException("counting the digests of " + dir + " failed: " + e.getMessage(), e);
            }
            counted += chunk.size();
            from = chunk.get(chunk.size() - 1).key() + "\0";
        }
        if (counted > 0) {
            log.info("counted the interval digests of the {} events already in {}", counted, dir);
        }
        putState(marker, new byte[] {1});
    }

    /**
     * The event stored under {@code key}, if any and not FAILED ({@link #markFailed}; {@link #isFailed} tells a
     * FAILED copy from no copy).
     */
    public Optional<byte[]> get(String key) {
        ensureOpen();
        try {
            byte[] raw = key.getBytes(StandardCharsets.US_ASCII);
            return isFailed(raw) ? Optional.empty() : Optional.ofNullable(db.get(events, raw));
        } catch (RocksDBException e) {
            throw new StoreException("read of key " + key + " from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** The metadata stored beside {@code key}, if any. */
    public Optional<ReplicaMeta> meta(String key) {
        ensureOpen();
        try {
            byte[] bytes = db.get(meta, key.getBytes(StandardCharsets.US_ASCII));
            return bytes == null ? Optional.empty() : Optional.of(MetaFormat.decode(bytes));
        } catch (RocksDBException | MalformedRecordException e) {
            throw new StoreException("read of metadata for key " + key + " from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Events with {@code from <= key < to}, in key (time) order, at most {@code limit}.
     *
     * @param from first key (or key prefix) to include; {@code null} for the beginning
     * @param to   first key (or key prefix) to exclude; {@code null} for the end
     */
    public List<StoredEvent> scan(String from, String to, int limit) {
        return scanRange(from, to, limit, false);
    }

    /**
     * The newest {@code limit} events with {@code from <= key < to}, returned in key (time) order, like
     * {@link #scan}: "the latest events" without knowing when they were written.
     *
     * @param from first key (or key prefix) to include; {@code null} for the beginning
     * @param to   first key (or key prefix) to exclude; {@code null} for the end
     */
    public List<StoredEvent> scanNewest(String from, String to, int limit) {
        return scanRange(from, to, limit, true);
    }

    /** The first (or, {@code newest}, the last) {@code limit} events of [from, to), in key order. */
    private List<StoredEvent> scanRange(String from, String to, int limit, boolean newest) {
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

    /**
     * The events with {@code from <= key < to}, streamed in key order, or newest first when {@code newestFirst},
     * without FAILED copies ({@link #markFailed}).
     * The caller closes the range (try-with-resources); it sees the store as it was when opened.
     *
     * @param from first key (or key prefix) to include; {@code null} for the beginning
     * @param to   first key (or key prefix) to exclude; {@code null} for the end
     */
    public EventRange range(String from, String to, boolean newestFirst) {
        // made under the lock that close() takes to collect the open ranges: none is made after that
        synchronized (openRanges) {
            ensureOpen();
            RangeWalk walk = new RangeWalk(from, to, newestFirst);
            openRanges.add(walk);
            return walk;
        }
    }

    /**
     * A RocksDB iterator with its bounds. Its methods hold its own lock, and {@link #close()} of the store
     * closes every open walk under that lock before RocksDB closes: a native iterator must never outlive its DB.
     */
    private final class RangeWalk implements EventRange {
        private final Slice lower;
        private final Slice upper;
        private final ReadOptions readOptions;
        private final RocksIterator it;
        private final boolean newestFirst;
        private final boolean empty;
        private boolean released;

        RangeWalk(String from, String to, boolean newestFirst) {
            this.newestFirst = newestFirst;
            // RocksDB leaves bounds with lower >= upper undefined: such a range is simply empty
            this.empty = from != null && to != null && from.compareTo(to) >= 0;
            this.lower = from == null ? null : new Slice(from.getBytes(StandardCharsets.US_ASCII));
            this.upper = to == null ? null : new Slice(to.getBytes(StandardCharsets.US_ASCII));
            this.readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
            this.it = db.newIterator(events, readOptions);
            // with bounds set, seekToFirst and seekToLast stay within them
            if (newestFirst) {
                it.seekToLast();
            } else {
                it.seekToFirst();
            }
        }

        @Override
        public synchronized boolean hasNext() {
            if (released) {
                throw new StoreException("scan of " + dir + " was closed (the store is closed)");
            }
            if (empty) {
                return false;
            }
            // a FAILED copy is not part of the data: step over it
            while (it.isValid() && isFailed(it.key())) {
                if (newestFirst) {
                    it.prev();
                } else {
                    it.next();
                }
            }
            if (it.isValid()) {
                return true;
            }
            try {
                it.status();
            } catch (RocksDBException e) {
                throw new StoreException("scan of " + dir + " failed: " + e.getMessage(), e);
            }
            return false;
        }

        @Override
        public synchronized StoredEvent next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException("no more events in this range of " + dir);
            }
            StoredEvent e = new StoredEvent(new String(it.key(), StandardCharsets.US_ASCII), it.value());
            if (newestFirst) {
                it.prev();
            } else {
                it.next();
            }
            return e;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
                it.close();
                readOptions.close();
                if (lower != null) {
                    lower.close();
                }
                if (upper != null) {
                    upper.close();
                }
            }
            synchronized (openRanges) {
                openRanges.remove(this);
            }
        }
    }

    /** A RocksDB statistics counter of this store, counted since it was opened. */
    public enum Counter {
        /** Bytes of keys and values written (the WAL and compaction not included). */
        BYTES_WRITTEN(TickerType.BYTES_WRITTEN),
        /** Bytes of keys and values read by gets. */
        BYTES_READ(TickerType.BYTES_READ),
        /** WAL syncs: one per durable write batch (group commit). */
        WAL_SYNCS(TickerType.WAL_FILE_SYNCED),
        /** Bytes written to the WAL. */
        WAL_BYTES(TickerType.WAL_FILE_BYTES),
        /** Microseconds writers were stalled or slowed down by RocksDB (too many memtables or L0 files). */
        STALL_MICROS(TickerType.STALL_MICROS),
        BLOCK_CACHE_HITS(TickerType.BLOCK_CACHE_HIT),
        BLOCK_CACHE_MISSES(TickerType.BLOCK_CACHE_MISS),
        /** Bytes compaction read and wrote. */
        COMPACTION_READ_BYTES(TickerType.COMPACT_READ_BYTES),
        COMPACTION_WRITE_BYTES(TickerType.COMPACT_WRITE_BYTES),
        /** Bytes memtable flushes wrote to SST files. */
        FLUSH_WRITE_BYTES(TickerType.FLUSH_WRITE_BYTES);

        private final TickerType ticker;

        Counter(TickerType ticker) {
            this.ticker = ticker;
        }
    }

    /** A RocksDB property of this store: a current value, not a count. */
    public enum Property {
        /** 1 when a compaction of the events is pending, else 0. */
        COMPACTION_PENDING("rocksdb.compaction-pending"),
        /** Bytes compaction estimates it has to rewrite to bring the events within the level targets. */
        PENDING_COMPACTION_BYTES("rocksdb.estimate-pending-compaction-bytes"),
        /** Compactions running now. */
        RUNNING_COMPACTIONS("rocksdb.num-running-compactions"),
        /** Estimated number of stored events. */
        ESTIMATED_EVENTS("rocksdb.estimate-num-keys"),
        /** 1 while RocksDB stops writes (a write stall), else 0. */
        WRITE_STOPPED("rocksdb.is-write-stopped"),
        /** Background errors (flush or compaction) since the store was opened. */
        BACKGROUND_ERRORS("rocksdb.background-errors");

        private final String name;

        Property(String name) {
            this.name = name;
        }
    }

    /** The value of {@code counter} since this store was opened. */
    public long counter(Counter counter) {
        ensureOpen();
        return statistics.getTickerCount(counter.ticker);
    }

    /** The current value of {@code property} (of the events column family where it is per column family). */
    public long property(Property property) {
        return longProperty(property.name);
    }

    /** RocksDB's estimate of the number of stored events. */
    public long approximateCount() {
        return property(Property.ESTIMATED_EVENTS);
    }

    /** RocksDB's estimate of the bytes the events take (memtables and SST files). */
    public long approximateSizeBytes() {
        return longProperty("rocksdb.total-sst-files-size") + longProperty("rocksdb.cur-size-all-mem-tables");
    }

    private long longProperty(String name) {
        ensureOpen();
        try {
            return db.getLongProperty(events, name);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read " + name + " of " + dir + ": " + e.getMessage(), e);
        }
    }

    private void runGroupCommits() {
        List<QueuedWrite> group = new ArrayList<>();
        while (!closed.get() || !queue.isEmpty()) {
            try {
                QueuedWrite first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                group.clear();
            }
        }
        // anything still queued after an interrupt fails rather than hangs
        QueuedWrite left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new StoreException("replica store in " + dir + " is closed"));
        }
    }

    private void commit(List<QueuedWrite> group) {
        List<ReplicaWrite> writes;
        if (group.size() == 1) {
            writes = group.get(0).writes();
        } else {
            writes = new ArrayList<>();
            for (QueuedWrite q : group) {
                writes.addAll(q.writes());
            }
        }
        List<WriteOutcome> outcomes;
        try {
            outcomes = writeBatch(writes);
        } catch (RuntimeException e) {
            for (QueuedWrite q : group) {
                q.done().completeExceptionally(e);
            }
            return;
        }
        int at = 0;
        for (QueuedWrite q : group) {
            int n = q.writes().size();
            q.done().complete(outcomes.subList(at, at + n));
            at += n;
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new StoreException("replica store in " + dir + " is closed");
        }
    }

    /** Finishes the queued writes, then closes RocksDB. Safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            groupCommitter.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<RangeWalk> walks;
        synchronized (openRanges) {
            walks = new ArrayList<>(openRanges);
        }
        walks.forEach(RangeWalk::close);
        synchronized (this) {
            events.close();
            meta.close();
            digests.close();
            failed.close();
            defaultCf.close();
            db.close();
            closeOptions();
        }
    }

    private void closeOptions() {
        writeOptions.close();
        cfOptions.close();
        bloomFilter.close();
        dbOptions.close();
        statistics.close();
    }
}
