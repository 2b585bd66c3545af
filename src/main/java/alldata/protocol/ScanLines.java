package alldata.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The JSON Lines of a scan ({@code GET /events?…}) and of exported files: one event per line,
 * <pre>{"key":"&lt;key&gt;","event":&lt;the event, line breaks as spaces&gt;}</pre>
 * and at the end of a page that is not the last one line more, {@code {"next":"<cursor>"}}, or, when the
 * page ended early because a read failed, {@code {"error":"<why>","next":"<cursor>"}} (the cursor then
 * resumes right after the last event sent).
 *
 * <p>Events are written as stored except that raw line breaks become spaces: in valid JSON a raw line break
 * can only be whitespace between tokens (inside strings it must be escaped), so the line holds the same JSON
 * value; {@code GET /events/{key}} returns the exact bytes.
 */
public final class ScanLines {
    /**
     * HTTP header of a cluster scan's answer naming the members that could not be read, each with why
     * ({@code node-3 (no answer within 10000 ms), node-4 (…)}): events only they hold are missing from the page.
     */
    public static final String NODES_UNAVAILABLE_HEADER = "AllData-Nodes-Unavailable";
    private static final byte[] KEY_START = "{\"key\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_START = "\",\"event\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "}\n".getBytes(StandardCharsets.US_ASCII);
    /** Bytes a line adds around the key and the event. */
    private static final int FRAME = KEY_START.length + EVENT_START.length + EVENT_END.length;

    private ScanLines() {
    }

    /** One line of a scan. */
    public sealed interface Line permits Event, End {
    }

    /**
     * An event line.
     *
     * @param key   the AllData key
     * @param event the event as the line carries it (line breaks as spaces)
     */
    public record Event(String key, byte[] event) implements Line {
        public Event {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(event, "event");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Event e && key.equals(e.key) && Arrays.equals(event, e.event);
        }

        @Override
        public int hashCode() {
            return 31 * key.hashCode() + Arrays.hashCode(event);
        }

        @Override
        public String toString() {
            return "Event{key=" + key + ", " + event.length + " bytes}";
        }
    }

    /**
     * The closing line of a page after which more events remain.
     *
     * @param next  the cursor of the next page
     * @param error why the page ended early, or null when it ended at its size limits
     */
    public record End(String next, String error) implements Line {
        public End {
            Objects.requireNonNull(next, "next");
        }
    }

    /** Writes the line of one event; the key must be printable ASCII without quotes or backslashes (AllData keys are). */
    public static void writeEvent(OutputStream out, String key, byte[] event) throws IOException {
        byte[] k = keyBytes(key); // refused before anything is written: never half a line
        out.write(KEY_START);
        out.write(k);
        out.write(EVENT_START);
        out.write(oneLine(event));
        out.write(EVENT_END);
    }

    /** The length in bytes of the line {@link #writeEvent} writes. */
    public static long eventLineLength(String key, byte[] event) {
        return FRAME + key.length() + (long) event.length;
    }

    /** The closing line of a page: {@code {"next":…}} or, with an error, {@code {"error":…,"next":…}}. */
    public static byte[] endLine(String next, String error) {
        var node = Wire.json().createObjectNode();
        if (error != null) {
            node.put("error", error);
        }
        node.put("next", next);
        return (node.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The event with its line breaks turned into spaces, so that it stays on one line (see the class comment).
     * Returns {@code event} itself when it has none.
     */
    public static byte[] oneLine(byte[] event) {
        byte[] copy = null;
        for (int i = 0; i < event.length; i++) {
            if (event[i] == '\n' || event[i] == '\r') {
                if (copy == null) {
                    copy = event.clone();
                }
                copy[i] = ' ';
            }
        }
        return copy == null ? event : copy;
    }

    /**
     * Parses one line (without its line break).
     *
     * @throws MalformedRecordException when it is neither an event line nor a closing line
     */
    public static Line parse(byte[] line, int length) {
        if (startsWith(line, length, KEY_START)) {
            int keyEnd = KEY_START.length;
            while (keyEnd < length && line[keyEnd] != '"') {
                keyEnd++;
            }
            int eventFrom = keyEnd + EVENT_START.length;
            if (eventFrom >= length || !regionMatches(line, length, keyEnd, EVENT_START) || line[length - 1] != '}') {
                throw new MalformedRecordException("scan line is not {\"key\":…,\"event\":…}: " + preview(line, length));
            }
            String key = new String(line, KEY_START.length, keyEnd - KEY_START.length, StandardCharsets.US_ASCII);
            return new Event(key, Arrays.copyOfRange(line, eventFrom, length - 1));
        }
        try {
            JsonNode n = Wire.json().readTree(line, 0, length);
            if (n != null && n.isObject() && n.path("next").isTextual()) {
                return new End(n.get("next").asText(), n.path("error").isTextual() ? n.get("error").asText() : null);
            }
        } catch (IOException e) {
            // said below
        }
        throw new MalformedRecordException("scan line is neither an event nor {\"next\":…}: " + preview(line, length));
    }

    private static byte[] keyBytes(String key) {
        byte[] b = key.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < b.length; i++) {
            char c = key.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                throw new IllegalArgumentException("key " + key + " cannot be written on a scan line: printable ASCII"
                        + " without quotes or backslashes only");
            }
        }
        return b;
    }

    private static boolean startsWith(byte[] line, int length, byte[] prefix) {
        return regionMatches(line, length, 0, prefix);
    }

    private static boolean regionMatches(byte[] line, int length, int at, byte[] part) {
        if (at + part.length > length) {
            return false;
        }
        for (int i = 0; i < part.length; i++) {
            if (line[at + i] != part[i]) {
                return false;
            }
        }
        return true;
    }

    private static String preview(byte[] line, int length) {
        String s = new String(line, 0, Math.min(length, 120), StandardCharsets.UTF_8);
        return length > 120 ? s + "…" : s;
    }

    /** Reads a scan's lines one at a time from a stream, never more than one line in memory. */
    public static final class Reader implements AutoCloseable {
        private final InputStream in;
        private final int maxLineBytes;
        private final byte[] chunk = new byte[64 * 1024];
        private int chunkPos;
        private int chunkEnd;
        private byte[] line = new byte[8 * 1024];

        /**
         * @param maxLineBytes the longest line accepted (a bound on what one line may take of the heap)
         */
        public Reader(InputStream in, int maxLineBytes) {
            this.in = Objects.requireNonNull(in, "in");
            this.maxLineBytes = maxLineBytes;
        }

        /**
         * The next line, or null at the end of the stream.
         *
         * @throws IOException              when the stream fails, or ends inside a line
         * @throws MalformedRecordException when a line is not a scan line
         */
        public Line next() throws IOException {
            int length = 0;
            while (true) {
                if (chunkPos == chunkEnd) {
                    chunkEnd = in.read(chunk);
                    chunkPos = 0;
                    if (chunkEnd < 0) {
                        chunkEnd = 0;
                        if (length == 0) {
                            return null;
                        }
                        throw new IOException("scan stream ended inside a line (" + length + " bytes without a line break)");
                    }
                }
                int start = chunkPos;
                while (chunkPos < chunkEnd && chunk[chunkPos] != '\n') {
                    chunkPos++;
                }
                int n = chunkPos - start;
                if (length + n > maxLineBytes) {
                    throw new IOException("scan line longer than " + maxLineBytes + " bytes");
                }
                if (length + n > line.length) {
                    line = Arrays.copyOf(line, Math.max(length + n, Math.min(maxLineBytes, line.length * 2)));
                }
                System.arraycopy(chunk, start, line, length, n);
                length += n;
                if (chunkPos < chunkEnd) {
                    chunkPos++; // the line break
                    Line parsed = parse(line, length);
                    if (line.length > 1 << 20) {
                        line = new byte[8 * 1024]; // do not keep a huge event's buffer for the rest of the scan
                    }
                    return parsed;
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
