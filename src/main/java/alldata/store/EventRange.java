package alldata.store;

import java.util.Iterator;

/**
 * A walk over stored events of a key range, in key order (or newest first), holding a RocksDB iterator
 * until closed: a scan streams through it without collecting the range first. Not thread-safe: one
 * reader at a time. Closing the store closes every open range; reading one afterwards fails with a
 * {@link StoreException}.
 */
public interface EventRange extends Iterator<StoredEvent>, AutoCloseable {
    /** Releases the RocksDB iterator (and the data it pins). Safe to call twice. */
    @Override
    void close();
}
