package alldata.protocol;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote. Every read is bounds-checked: a truncated or lying record
 * fails with a {@link MalformedRecordException} naming what was being read, never with an
 * index exception or an absurd allocation.
 */
public final class ByteReader {
    private final byte[] buf;
    private final String what;
    private int pos;

    public ByteReader(byte[] buf, String what) {
        if (buf == null) {
            throw new MalformedRecordException(what + " is null");
        }
        this.buf = buf;
        this.what = what;
    }

    private void need(int n, String field) {
        if (n < 0 || pos + n > buf.length) {
            throw new MalformedRecordException(what + " is truncated: " + field + " needs " + n + " bytes at offset "
                    + pos + ", " + (buf.length - pos) + " left");
        }
    }

    public int u8(String field) {
        need(1, field);
        return buf[pos++] & 0xff;
    }

    public int u16(String field) {
        need(2, field);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public int i32(String field) {
        need(4, field);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long i64(String field) {
        need(8, field);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xff);
        }
        return v;
    }

    public String str(String field) {
        return text(u16(field), field);
    }

    public String longStr(String field) {
        return text(length(field), field);
    }

    public byte[] bytes(String field) {
        int n = length(field);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    /** A list of node ids as {@link ByteWriter#nodes} wrote it. */
    public java.util.List<String> nodes(String field) {
        int n = u8(field + " count");
        java.util.List<String> nodes = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(str(field));
        }
        return nodes;
    }

    /** A count of items that each take at least {@code minItemBytes}: checked against what is left. */
    public int count(String field, int minItemBytes) {
        int n = i32(field);
        if (n < 0 || (long) n * minItemBytes > buf.length - pos) {
            throw new MalformedRecordException(what + " claims " + n + " " + field + " in " + (buf.length - pos)
                    + " bytes");
        }
        return n;
    }

    private int length(String field) {
        int n = i32(field + " length");
        need(n, field);
        return n;
    }

    private String text(int n, String field) {
        need(n, field);
        boolean ascii = true;
        for (int i = pos; i < pos + n; i++) {
            if (buf[i] < 0) {
                ascii = false;
                break;
            }
        }
        String s;
        if (ascii) {
            s = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
        } else {
            try {
                s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(buf, pos, n)).toString();
            } catch (CharacterCodingException e) {
                throw new MalformedRecordException(what + ": " + field + " is not valid UTF-8");
            }
        }
        pos += n;
        return s;
    }

    /** Fails unless every byte was read: trailing bytes mean the record is not what it claims. */
    public void end() {
        if (pos != buf.length) {
            throw new MalformedRecordException(what + " has " + (buf.length - pos) + " unexpected trailing bytes");
        }
    }
}
