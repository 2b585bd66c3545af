package alldata.store;

import java.nio.file.Path;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

/**
 * RocksDB statistics and properties of one replica store, so that operators see bytes written, WAL syncs, write
 * stalls and cache hits. Statistics are on at the default level (without per-operation timers). Every read fails
 * with a {@link StoreException} once the store is closed.
 */
public final class StoreStatistics {
    private final Statistics statistics;
    private final RocksDB db;
    private final ColumnFamilyHandle events;
    private final Path dir;
    private final Runnable ensureOpen;

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
        FLUSH_WRITE_BYTES(TickerType.FLUSH_WRITE_BYTES),
        /** Keys looked up by multi-gets: a write batch looks its keys up in one (write-once). */
        MULTIGET_KEYS_READ(TickerType.NUMBER_MULTIGET_KEYS_READ);

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

    /**
     * @param events     the column family whose properties are read
     * @param ensureOpen throws a {@link StoreException} once the store is closed (its native handles are gone then)
     */
    StoreStatistics(Statistics statistics, RocksDB db, ColumnFamilyHandle events, Path dir, Runnable ensureOpen) {
        this.statistics = statistics;
        this.db = db;
        this.events = events;
        this.dir = dir;
        this.ensureOpen = ensureOpen;
    }

    /** The value of {@code counter} since this store was opened. */
    public long counter(Counter counter) {
        ensureOpen.run();
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
        ensureOpen.run();
        try {
            return db.getLongProperty(events, name);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read " + name + " of " + dir + ": " + e.getMessage(), e);
        }
    }
}
