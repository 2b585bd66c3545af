package alldata.store;

import java.nio.charset.Charset;
import org.rocksdb.ReadOptions;
import org.rocksdb.Slice;

/**
 * Read options that bound an iterator to {@code from <= key < to} ({@code null}: unbounded on that side), with the
 * native slices they point to: all three are closed together.
 */
final class KeyBounds implements AutoCloseable {
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions readOptions;

    KeyBounds(byte[] from, byte[] to) {
        this.lower = from == null ? null : new Slice(from);
        this.upper = to == null ? null : new Slice(to);
        this.readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
    }

    /** The bounds of the keys {@code from} and {@code to} encoded in {@code charset}. */
    static KeyBounds of(String from, String to, Charset charset) {
        return new KeyBounds(from == null ? null : from.getBytes(charset), to == null ? null : to.getBytes(charset));
    }

    /** The read options to open the iterator with; with bounds set, seekToFirst and seekToLast stay within them. */
    ReadOptions readOptions() {
        return readOptions;
    }

    @Override
    public void close() {
        readOptions.close();
        if (lower != null) {
            lower.close();
        }
        if (upper != null) {
            upper.close();
        }
    }
}
