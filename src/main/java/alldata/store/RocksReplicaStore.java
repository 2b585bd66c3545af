package alldata.store;

import alldata.core.ConflictException;
import alldata.core.ReplicaStore;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MetaFormat;
import alldata.protocol.ReplicaMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

    /** Writes waiting for the next group commit: one put, or a caller's whole batch. */
    private record QueuedWrite(List<ReplicaWrite> writes, CompletableFuture<List<WriteOutcome>> done) {
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
                new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.US_ASCII), cfOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>(3);
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
        try (WriteBatch batch = new WriteBatch()) {
            List<byte[]> existing = db.multiGetAsList(java.util.Collections.nCopies(keys.size(), events), keys);
            Map<String, byte[]> inBatch = new HashMap<>();
            long now = System.currentTimeMillis();
            for (int i = 0; i < writes.size(); i++) {
                ReplicaWrite w = writes.get(i);
                byte[] stored = inBatch.containsKey(w.key()) ? inBatch.get(w.key()) : existing.get(i);
                if (stored == null) {
                    batch.put(events, keys.get(i), w.event());
                    if (w.meta() != null) {
                        batch.put(meta, keys.get(i), MetaFormat.encode(w.meta().storedAt(now)));
                    }
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
            if (batch.count() > 0) {
                db.write(writeOptions, batch);
            }
            writeFailure = null;
        } catch (RocksDBException e) {
            writeFailure = "write to " + dir + " failed: " + e.getMessage();
            throw new StoreException("write of " + writes.size() + " replicas to " + dir + " failed: " + e.getMessage(), e);
        }
        return outcomes;
    }

    /** The event stored under {@code key}, if any. */
    public Optional<byte[]> get(String key) {
        ensureOpen();
        try {
            return Optional.ofNullable(db.get(events, key.getBytes(StandardCharsets.US_ASCII)));
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
     * The events with {@code from <= key < to}, streamed in key order, or newest first when {@code newestFirst}.
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
