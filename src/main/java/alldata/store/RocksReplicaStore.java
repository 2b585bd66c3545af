package alldata.store;

import alldata.core.Clock;
import alldata.core.ConflictException;
import alldata.core.IntervalDigest;
import alldata.protocol.MetaFormat;
import alldata.protocol.MetaUpdate;
import alldata.protocol.ReplicaMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.WriteOptions;

/**
 * A node's replicas in RocksDB: the owner of the database and its handles, which wires the parts that do the work
 * and offers them by role. Callers hold the role they use: {@link ReplicaWrites}, {@link ReplicaPlans},
 * {@link ReplicaReads}, {@link ReplicaDigests}, {@link FailedMarks}, {@link NodeState}; only the code that opens a
 * store names this class.
 *
 * <p>Column family {@code events} maps key to event bytes; {@code meta} maps key to the replica's {@link ReplicaMeta}
 * ({@link MetaFormat}). Keys are ASCII and time-ordered, so a key-range scan is a time-range scan. {@code digests}
 * keeps, per hour interval and per node named in the plans, the {@link IntervalDigest} of the events held, updated in
 * the same write batch as the events and plans they count, from rows kept in memory ({@link DigestBook}). The default
 * column family holds the node's own small records under names ({@link #state}, e.g. its identity and repair
 * progress). {@code failed} holds the keys whose put FAILED ({@link FailedMarks}).
 *
 * <p>The parts: {@link GroupCommitter} (queued writes, one WAL sync per batch, on its own thread), {@link BatchWriter}
 * (write-once batches and plan updates), {@link DigestBook} (kept digests), {@link ReplicaReader} (point reads and
 * range walks), {@link FailedKeys} (FAILED marks) and {@link StoreStatistics}. Every write, and closing, holds this
 * store's lock: writes do not interleave, and RocksDB never closes under one.
 */
public final class RocksReplicaStore implements ReplicaWrites, ReplicaPlans, ReplicaReads, ReplicaDigests,
        FailedMarks, NodeState, AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final Statistics rocksStatistics;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final BloomFilter bloomFilter = new BloomFilter(10, false);
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle defaultCf;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final FailedKeys failed;
    private final ReplicaReader reader;
    private final DigestBook digests;
    private final BatchWriter writer;
    private final StoreStatistics statistics;
    private final GroupCommitter committer;

    /** Store settings. */
    public record Options(boolean syncWrites) {
        /** Durable defaults: every batch is synced to the WAL before it is acknowledged. */
        public static Options durable() {
            return new Options(true);
        }
    }

    private RocksReplicaStore(Path dir, Options options) {
        this.dir = dir;
        this.rocksStatistics = new Statistics();
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setIncreaseParallelism(2).setKeepLogFileNum(5).setStatistics(rocksStatistics);
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
        List<ColumnFamilyHandle> opened = new ArrayList<>(5);
        try {
            Files.createDirectories(dir);
            this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, opened);
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
        this.handles = List.copyOf(opened);
        this.defaultCf = opened.get(0);
        ColumnFamilyHandle events = opened.get(1);
        ColumnFamilyHandle meta = opened.get(2);
        this.failed = new FailedKeys(db, opened.get(4), events, writeOptions, dir);
        this.reader = new ReplicaReader(db, events, meta, failed, dir);
        this.digests = new DigestBook(db, opened.get(3), defaultCf, stateKey(DigestBook.COUNTED_STATE), writeOptions,
                dir, reader::scanHeld, DigestBook.CACHED_ROWS);
        this.writer = new BatchWriter(db, events, meta, writeOptions, digests, dir, Clock.SYSTEM);
        this.statistics = new StoreStatistics(rocksStatistics, db, events, dir, this::ensureOpen);
        digests.countExistingOnce();
        this.committer = new GroupCommitter("alldata-store-" + dir.getFileName(), this::writeBatch,
                "replica store in " + dir + " is closed");
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

    @Override
    public Path directory() {
        return dir;
    }

    /** This store's RocksDB statistics and properties (for meters). */
    public StoreStatistics statistics() {
        return statistics;
    }

    // --- writes

    /**
     * {@link alldata.core.ReplicaStore}: stores the event without a plan. Completes exceptionally with
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

    @Override
    public CompletableFuture<WriteOutcome> put(ReplicaWrite write) {
        Objects.requireNonNull(write, "write");
        return committer.enqueue(List.of(write)).thenApply(outcomes -> outcomes.get(0));
    }

    @Override
    public List<WriteOutcome> write(List<ReplicaWrite> writes) {
        ensureOpen();
        if (writes.isEmpty()) {
            return List.of();
        }
        // through the group-commit thread, so that this batch and the local puts queued meanwhile share one WAL sync
        try {
            return committer.enqueue(writes).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** The group committer's batches: under the write lock. */
    private synchronized List<WriteOutcome> writeBatch(List<ReplicaWrite> writes) {
        return writer.write(writes);
    }

    @Override
    public Optional<String> writeFailure() {
        return writer.failure();
    }

    // --- plans

    @Override
    public Optional<ReplicaMeta> meta(String key) {
        ensureOpen();
        return reader.meta(key);
    }

    @Override
    public synchronized List<PlanUpdateOutcome> updatePlans(List<MetaUpdate> updates, String origin) {
        ensureOpen();
        return writer.updatePlans(updates, origin);
    }

    @Override
    public List<StoredPlan> scanPlans(String from, String to, int limit) {
        ensureOpen();
        return reader.scanPlans(from, to, limit);
    }

    @Override
    public void onShortPlans(ShortPlanListener listener) {
        writer.onShortPlans(Objects.requireNonNull(listener, "listener"));
    }

    // --- FAILED marks

    @Override
    public synchronized int markFailed(List<String> keys) {
        ensureOpen();
        return failed.mark(keys);
    }

    @Override
    public synchronized void clearFailed(List<String> keys) {
        ensureOpen();
        failed.clear(keys);
    }

    @Override
    public boolean isFailed(String key) {
        ensureOpen();
        return failed.any() && failed.isFailed(key.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public List<String> failedCopies(String from, String to, int limit) {
        ensureOpen();
        return failed.copies(from, to, limit);
    }

    // --- reads

    @Override
    public Optional<byte[]> get(String key) {
        ensureOpen();
        return reader.get(key);
    }

    @Override
    public Map<String, Long> contentHashes(List<String> keys) {
        ensureOpen();
        return reader.contentHashes(keys);
    }

    @Override
    public boolean isEmpty() {
        return firstKeyFrom(null).isEmpty();
    }

    @Override
    public Optional<String> firstKeyFrom(String from) {
        ensureOpen();
        return reader.firstKeyFrom(from);
    }

    @Override
    public EventRange range(String from, String to, boolean newestFirst) {
        ensureOpen();
        return reader.range(from, to, newestFirst);
    }

    @Override
    public List<StoredEvent> scan(String from, String to, int limit) {
        ensureOpen();
        return reader.scan(from, to, limit, false);
    }

    @Override
    public List<StoredEvent> scanNewest(String from, String to, int limit) {
        ensureOpen();
        return reader.scan(from, to, limit, true);
    }

    @Override
    public List<HeldEvent> scanHeld(String from, String to, int limit) {
        ensureOpen();
        return reader.scanHeld(from, to, limit);
    }

    // --- digests

    @Override
    public Map<String, Map<String, IntervalDigest>> keptDigests(String from, String to) {
        ensureOpen();
        return digests.kept(from, to);
    }

    @Override
    public Map<String, Map<String, IntervalDigest>> countedDigests(String from, String to) {
        ensureOpen();
        return digests.counted(from, to);
    }

    @Override
    public boolean keptDigestsDrifted(String interval) {
        ensureOpen();
        return digests.drifted(interval);
    }

    @Override
    public synchronized boolean reconcileKeptDigests(String interval) {
        ensureOpen();
        return digests.reconcile(interval);
    }

    /** The kept digest rows in memory now (tests compare them with the disk). */
    synchronized Map<String, IntervalDigest> cachedDigestRows() {
        return digests.cachedRows();
    }

    // --- node state

    @Override
    public Optional<byte[]> state(String name) {
        ensureOpen();
        try {
            return Optional.ofNullable(db.get(defaultCf, stateKey(name)));
        } catch (RocksDBException e) {
            throw new StoreException("read of " + name + " from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    @Override
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
        committer.close();
        reader.closeRanges();
        synchronized (this) {
            // every column family's handle before the DB itself (the default one last, as before)
            for (int i = handles.size() - 1; i >= 0; i--) {
                handles.get(i).close();
            }
            db.close();
            closeOptions();
        }
    }

    private void closeOptions() {
        writeOptions.close();
        cfOptions.close();
        bloomFilter.close();
        dbOptions.close();
        rocksStatistics.close();
    }
}
