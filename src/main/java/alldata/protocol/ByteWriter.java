package alldata.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes AllData's binary formats: big-endian integers, strings with a length prefix, byte arrays
 * with a length prefix. Grows as needed; one instance per record.
 */
public final class ByteWriter {
    private byte[] buf;
    private int pos;

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    public ByteWriter u8(int v) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException("value " + v + " does not fit an unsigned byte");
        }
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("value " + v + " does not fit an unsigned 16-bit field");
        }
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter i32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter i64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (v >>> shift);
        }
        return this;
    }

    /** A short string (node id, key, reason): u16 byte length, then UTF-8. */
    public ByteWriter str(String s) {
        int n = s.length();
        if (isAscii(s)) {
            u16(n);
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
            return this;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u16(utf8.length);
        return raw(utf8);
    }

    /** A list of node ids (a replica plan): u8 count, then each as {@link #str}. */
    public ByteWriter nodes(java.util.List<String> nodes) {
        u8(nodes.size());
        for (String n : nodes) {
            str(n);
        }
        return this;
    }

    /** A string of any length (correlation ids): i32 byte length, then UTF-8. */
    public ByteWriter longStr(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** i32 length, then the bytes. */
    public ByteWriter bytes(byte[] b) {
        i32(b.length);
        return raw(b);
    }

    public ByteWriter raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    public int size() {
        return pos;
    }

    public byte[] toByteArray() {
        return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
