package alldata.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * One {@link EventRange}: a RocksDB iterator over the events with its bounds, stepping over FAILED copies. Its
 * methods hold its own lock, so that the store, closing, can close every open walk before RocksDB closes: a native
 * iterator must never outlive its DB.
 */
final class RangeWalk implements EventRange {
    private final KeyBounds bounds;
    private final RocksIterator it;
    private final FailedKeys failed;
    private final boolean newestFirst;
    private final boolean empty;
    private final Path dir;
    private final Consumer<RangeWalk> onClose;
    private boolean released;

    /**
     * @param onClose hears that this walk was closed (once), after its native handles are released
     */
    RangeWalk(RocksDB db, ColumnFamilyHandle events, FailedKeys failed, String from, String to, boolean newestFirst,
              Path dir, Consumer<RangeWalk> onClose) {
        this.failed = failed;
        this.newestFirst = newestFirst;
        this.dir = dir;
        this.onClose = onClose;
        // RocksDB leaves bounds with lower >= upper undefined: such a range is simply empty
        this.empty = from != null && to != null && from.compareTo(to) >= 0;
        this.bounds = KeyBounds.of(from, to, StandardCharsets.US_ASCII);
        this.it = db.newIterator(events, bounds.readOptions());
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
        while (it.isValid() && failed.isFailed(it.key())) {
            step();
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
            throw new NoSuchElementException("no more events in this range of " + dir);
        }
        StoredEvent e = new StoredEvent(new String(it.key(), StandardCharsets.US_ASCII), it.value());
        step();
        return e;
    }

    private void step() {
        if (newestFirst) {
            it.prev();
        } else {
            it.next();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            it.close();
            bounds.close();
        }
        onClose.accept(this);
    }
}
