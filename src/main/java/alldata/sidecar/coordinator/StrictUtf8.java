package alldata.sidecar.coordinator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 (Unicode Table 3-7, RFC 3629): the well-formed byte sequences and nothing else. Rejects
 * overlong encodings, UTF-16 surrogates (U+D800..U+DFFF), code points above U+10FFFF, truncated sequences
 * and stray continuation bytes, exactly like the JDK's decoder with {@code CodingErrorAction.REPORT}, but
 * without decoding: it runs on every ingested event, so it allocates nothing and skips ASCII eight bytes
 * at a time.
 */
final class StrictUtf8 {
    /** Reads eight bytes of an array as one long, for the ASCII fast path. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    private StrictUtf8() {
    }

    /** True when {@code bytes} is well-formed UTF-8. */
    static boolean isValid(byte[] bytes) {
        return invalidAt(bytes) < 0;
    }

    /** Where the first ill-formed sequence of {@code bytes} starts, or -1 when all of it is well-formed UTF-8. */
    static int invalidAt(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            while (i + Long.BYTES <= n && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                i += Long.BYTES;
            }
            if (i == n) {
                break;
            }
            if (bytes[i] >= 0) {
                i++;
                continue;
            }
            int length = sequenceLength(bytes, i);
            if (length < 0) {
                return i;
            }
            i += length;
        }
        return -1;
    }

    /** Length of the well-formed multi-byte sequence starting at {@code i}, or -1 when it is ill-formed. */
    private static int sequenceLength(byte[] b, int i) {
        int lead = b[i] & 0xFF;
        if (lead < 0xC2) {
            return -1; // 80..BF: continuation without a lead; C0, C1: overlong two-byte forms
        }
        if (lead < 0xE0) {
            return continuation(b, i + 1, 0x80, 0xBF) ? 2 : -1;
        }
        if (lead < 0xF0) {
            int lo = lead == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
            int hi = lead == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
            return continuation(b, i + 1, lo, hi) && continuation(b, i + 2, 0x80, 0xBF) ? 3 : -1;
        }
        if (lead < 0xF5) {
            int lo = lead == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
            int hi = lead == 0xF4 ? 0x8F : 0xBF; // F4 90..BF would be above U+10FFFF
            return continuation(b, i + 1, lo, hi) && continuation(b, i + 2, 0x80, 0xBF)
                    && continuation(b, i + 3, 0x80, 0xBF) ? 4 : -1;
        }
        return -1; // F5..FF never occur
    }

    private static boolean continuation(byte[] b, int i, int lo, int hi) {
        if (i >= b.length) {
            return false;
        }
        int v = b[i] & 0xFF;
        return v >= lo && v <= hi;
    }

    /**
     * What is wrong with the sequence at {@code at} (an index {@link #invalidAt} returned), for a person:
     * the kind of error, the bytes and the offset, e.g. {@code overlong encoding (C0 AF) at byte 5}.
     */
    static String describe(byte[] b, int at) {
        int lead = b[at] & 0xFF;
        int second = at + 1 < b.length ? b[at + 1] & 0xFF : -1;
        String what;
        int shown;
        if (lead < 0xC0) {
            what = "continuation byte without a lead byte";
            shown = 1;
        } else if (lead < 0xC2) {
            what = "overlong encoding";
            shown = 2;
        } else if (lead >= 0xF8) {
            what = "byte that never occurs in UTF-8";
            shown = 1;
        } else if (lead >= 0xF5 || lead == 0xF4 && second >= 0x90) {
            what = "code point above U+10FFFF";
            shown = 4;
        } else if (lead == 0xE0 && second >= 0x80 && second < 0xA0 || lead == 0xF0 && second >= 0x80 && second < 0x90) {
            what = "overlong encoding";
            shown = lead == 0xE0 ? 3 : 4;
        } else if (lead == 0xED && second >= 0xA0 && second <= 0xBF) {
            what = "UTF-16 surrogate (U+D800..U+DFFF)";
            shown = 3;
        } else {
            what = "truncated sequence";
            shown = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        }
        return what + " (" + hex(b, at, Math.min(b.length, at + shown)) + ") at byte " + at;
    }

    /** Bytes {@code from..to} of {@code b} in hex, e.g. {@code ED A0 80}. */
    static String hex(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder(3 * (to - from));
        for (int i = from; i < to; i++) {
            sb.append(i == from ? "" : " ").append(Character.toUpperCase(Character.forDigit((b[i] >> 4) & 0xF, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b[i] & 0xF, 16)));
        }
        return sb.toString();
    }

    /** Size of {@code text} in UTF-8 (an unpaired surrogate counted as the 3 bytes of its replacement). */
    static int encodedLength(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The longest prefix of {@code text} whose UTF-8 form has at most {@code maxBytes} bytes; pairs stay whole. */
    static String truncate(String text, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return text.substring(0, i);
    }
}
