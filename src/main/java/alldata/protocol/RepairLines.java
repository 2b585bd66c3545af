package alldata.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain-text bodies of the repair endpoints, one item per line (a key holds no whitespace):
 * <ul>
 *   <li>keys ({@code POST /repair/holds}, {@code POST /repair/events}): {@code <key>};</li>
 *   <li>held keys (the answer of {@code /repair/holds}): {@code <key> <content hash, 16 hex digits>};</li>
 *   <li>key listings ({@code GET /repair/keys}): {@code <key> <replication factor> <content hash>}, followed by
 *       {@code  FAILED} for a FAILED copy (the node knows that the event's put FAILED).</li>
 * </ul>
 */
public final class RepairLines {
    /** Most keys one request may carry. */
    public static final int MAX_KEYS = 10_000;

    private RepairLines() {
    }

    /**
     * One line of a key listing.
     *
     * @param failed the node holds the event as a FAILED copy: its put FAILED, so it is not part of the data
     */
    public record KeyLine(String key, int replicationFactor, long contentHash, boolean failed) {
        /** A copy not known to be FAILED. */
        public KeyLine(String key, int replicationFactor, long contentHash) {
            this(key, replicationFactor, contentHash, false);
        }
    }

    private static final String FAILED = "FAILED";

    public static byte[] keys(List<String> keys) {
        return (String.join("\n", keys) + (keys.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The keys of a request body.
     *
     * @throws IllegalArgumentException when a line is not a key, or there are more than {@link #MAX_KEYS}
     */
    public static List<String> parseKeys(byte[] body) {
        List<String> keys = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            String k = line.strip();
            if (k.isEmpty()) {
                continue;
            }
            if (!k.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("not a key (printable ASCII without spaces): '" + k + "'");
            }
            keys.add(k);
            if (keys.size() > MAX_KEYS) {
                throw new IllegalArgumentException("more than " + MAX_KEYS + " keys in one request");
            }
        }
        return keys;
    }

    public static byte[] held(Map<String, Long> held) {
        StringBuilder sb = new StringBuilder(held.size() * 64);
        held.forEach((k, h) -> sb.append(k).append(' ').append(HexFormat.of().toHexDigits(h)).append('\n'));
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws IllegalArgumentException on a malformed line */
    public static Map<String, Long> parseHeld(String body) {
        Map<String, Long> held = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            if (parts.length != 2) {
                throw new IllegalArgumentException("not a held-key line: '" + line + "'");
            }
            held.put(parts[0], hash(parts[1]));
        }
        return held;
    }

    public static String keyLine(KeyLine l) {
        return l.key() + " " + l.replicationFactor() + " " + HexFormat.of().toHexDigits(l.contentHash())
                + (l.failed() ? " " + FAILED : "") + "\n";
    }

    /** @throws IllegalArgumentException on a malformed line */
    public static List<KeyLine> parseKeyLines(String body) {
        List<KeyLine> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            if (parts.length != 3 && !(parts.length == 4 && parts[3].equals(FAILED))) {
                throw new IllegalArgumentException("not a key line: '" + line + "'");
            }
            try {
                out.add(new KeyLine(parts[0], Integer.parseInt(parts[1]), hash(parts[2]), parts.length == 4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a key line: '" + line + "'");
            }
        }
        return out;
    }

    private static long hash(String hex) {
        if (hex.length() != 16) {
            throw new IllegalArgumentException("a content hash has 16 hex digits, got '" + hex + "'");
        }
        return HexFormat.fromHexDigitsToLong(hex);
    }
}
