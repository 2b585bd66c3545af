package alldata.core;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * An order-independent digest of a set of stored events: how many, and the XOR of each event's 64-bit
 * {@linkplain #eventHash(String, byte[]) hash} (the seed's abandoned {@code _xor} idea). Two nodes that hold the
 * same events (same keys, same bytes) have equal digests however and whenever they stored them; one event
 * missing, extra or with other bytes changes the digest (up to a 2^-64 chance of a collision), so two nodes
 * can find the intervals where they differ by comparing 16 bytes per interval instead of every key.
 *
 * <p>Events are grouped by {@linkplain #intervalOf(String) interval}: the hour prefix of their key
 * ({@code yyyyMMdd'T'HH}, since AllData keys start with the UTC time).
 *
 * @param count events in the set
 * @param xor   XOR of their hashes
 */
public record IntervalDigest(long count, long xor) {
    /** The digest of no events. */
    public static final IntervalDigest EMPTY = new IntervalDigest(0, 0);
    /** Length of an interval name: {@code yyyyMMdd'T'HH}. */
    public static final int INTERVAL_CHARS = 11;

    /** The digest with one more event of hash {@code hash}. */
    public IntervalDigest plus(long hash) {
        return new IntervalDigest(count + 1, xor ^ hash);
    }

    /** The digest without one event of hash {@code hash} (XOR is its own inverse). */
    public IntervalDigest minus(long hash) {
        return new IntervalDigest(count - 1, xor ^ hash);
    }

    /** The digest of both sets (disjoint). */
    public IntervalDigest plus(IntervalDigest other) {
        return new IntervalDigest(count + other.count, xor ^ other.xor);
    }

    /** The XOR as 16 hex digits, as status pages and {@code repair check} show it. */
    public String xorHex() {
        return HexFormat.of().toHexDigits(xor);
    }

    /** The hash of an event's bytes alone (to compare copies without sending them). */
    public static long contentHash(byte[] event) {
        return Xxh64.hash(event, 0);
    }

    /**
     * The hash of one stored event: XXH64 of its key seeded with the hash of its bytes, so that the same bytes
     * under another key, or other bytes under the same key, hash differently.
     */
    public static long eventHash(String key, byte[] event) {
        return eventHash(key, contentHash(event));
    }

    /** {@link #eventHash(String, byte[])} given the event's {@link #contentHash(byte[])}. */
    public static long eventHash(String key, long contentHash) {
        return Xxh64.hash(key.getBytes(StandardCharsets.UTF_8), contentHash);
    }

    /** The interval of {@code key}: its first {@value #INTERVAL_CHARS} characters (its UTC hour), or all of a shorter key. */
    public static String intervalOf(String key) {
        return key.length() <= INTERVAL_CHARS ? key : key.substring(0, INTERVAL_CHARS);
    }

    /**
     * The first key after every key of {@code interval} (an exclusive upper bound for a range scan): the interval
     * with its last character incremented.
     */
    public static String upperBound(String interval) {
        if (interval.isEmpty()) {
            throw new IllegalArgumentException("an interval is never empty");
        }
        char last = interval.charAt(interval.length() - 1);
        if (last == Character.MAX_VALUE) {
            throw new IllegalArgumentException("interval '" + interval + "' has no upper bound");
        }
        return interval.substring(0, interval.length() - 1) + (char) (last + 1);
    }
}
