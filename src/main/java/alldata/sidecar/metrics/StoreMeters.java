package alldata.sidecar.metrics;

import alldata.store.StoreStatistics;
import alldata.store.StoreStatistics.Counter;
import alldata.store.StoreStatistics.Property;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * RocksDB statistics and properties of a node's replica store as meters: counters for bytes written and
 * read, WAL syncs, write stalls, block cache hits and misses, compaction and flush bytes; gauges for
 * pending and running compactions, stopped writes and background errors. (Size and event count are
 * {@code alldata.store.size.bytes} and {@code alldata.store.events}.)
 */
public final class StoreMeters implements MeterBinder {
    private final StoreStatistics store;

    public StoreMeters(StoreStatistics store) {
        this.store = store;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "alldata.store.written", "bytes", "Bytes of keys and values written to the replica store",
                Counter.BYTES_WRITTEN);
        counter(registry, "alldata.store.read", "bytes", "Bytes of keys and values read from the replica store",
                Counter.BYTES_READ);
        counter(registry, "alldata.store.wal.syncs", null, "WAL syncs of the replica store: one per durable write batch",
                Counter.WAL_SYNCS);
        counter(registry, "alldata.store.wal.written", "bytes", "Bytes written to the replica store's WAL",
                Counter.WAL_BYTES);
        counter(registry, "alldata.store.block.cache.hits", null, "Block cache hits of the replica store",
                Counter.BLOCK_CACHE_HITS);
        counter(registry, "alldata.store.block.cache.misses", null, "Block cache misses of the replica store",
                Counter.BLOCK_CACHE_MISSES);
        counter(registry, "alldata.store.compaction.read", "bytes", "Bytes compactions of the replica store read",
                Counter.COMPACTION_READ_BYTES);
        counter(registry, "alldata.store.compaction.written", "bytes", "Bytes compactions of the replica store wrote",
                Counter.COMPACTION_WRITE_BYTES);
        counter(registry, "alldata.store.flush.written", "bytes", "Bytes memtable flushes of the replica store wrote",
                Counter.FLUSH_WRITE_BYTES);
        FunctionCounter.builder("alldata.store.write.stall", store,
                        safely(s -> s.counter(Counter.STALL_MICROS) / 1e6))
                .description("Time writers to the replica store were stalled or slowed down by RocksDB")
                .baseUnit("seconds").register(registry);
        gauge(registry, "alldata.store.compaction.pending", "1 while a compaction of the replica store is pending",
                Property.COMPACTION_PENDING);
        gauge(registry, "alldata.store.compaction.pending.bytes",
                "Bytes compaction estimates it has to rewrite in the replica store", Property.PENDING_COMPACTION_BYTES);
        gauge(registry, "alldata.store.compactions.running", "Compactions of the replica store running now",
                Property.RUNNING_COMPACTIONS);
        gauge(registry, "alldata.store.write.stopped", "1 while RocksDB stops writes to the replica store",
                Property.WRITE_STOPPED);
        gauge(registry, "alldata.store.background.errors", "Flush and compaction errors of the replica store since it opened",
                Property.BACKGROUND_ERRORS);
    }

    private void counter(MeterRegistry registry, String name, String unit, String description, Counter counter) {
        FunctionCounter.builder(name, store, safely(s -> s.counter(counter))).description(description).baseUnit(unit)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, Property property) {
        Gauge.builder(name, store, safely(s -> s.property(property))).description(description).register(registry);
    }

    /** NaN instead of an exception when the store cannot answer (closing, or failed): a scrape never fails on it. */
    private static ToDoubleFunction<StoreStatistics> safely(ToDoubleFunction<StoreStatistics> f) {
        return s -> {
            try {
                return f.applyAsDouble(s);
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        };
    }
}
