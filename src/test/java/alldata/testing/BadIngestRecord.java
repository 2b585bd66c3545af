package alldata.testing;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ingest record a producer can send that AllData must reject (one FAILED outcome, one dead letter) without
 * stalling its partition: one of each class the coordinator has to survive.
 *
 * @param name        what is wrong with it
 * @param value       the record value ({@code null} for a tombstone)
 * @param headers     its headers, name to value
 * @param timestampMs its timestamp, or {@code null} for "now" (whatever the producer or test driver gives it)
 * @param reason      a fragment of the rejection reason it must get
 */
public record BadIngestRecord(String name, byte[] value, Map<String, byte[]> headers, Long timestampMs, String reason) {
    /** An event size that leaves room for {@link #DEEP_NESTING} below the limit, so that depth is what rejects it. */
    public static final int MAX_EVENT_BYTES = 256 * 1024;
    /** How deep the deeply nested event nests. */
    public static final int DEEP_NESTING = 100_000;
    /** The first millisecond of the year 10000, which an AllData key cannot carry. */
    public static final long YEAR_10000_MS = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();

    public BadIngestRecord {
        Objects.requireNonNull(name, "name");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * One record of every class, for a coordinator whose {@code max.event.bytes} is {@code maxEventBytes}
     * (above {@code 2 * DEEP_NESTING}) and whose {@code max.key.bytes} is below 70,000.
     */
    public static List<BadIngestRecord> all(int maxEventBytes) {
        if (maxEventBytes <= 2 * DEEP_NESTING + 8) {
            throw new IllegalArgumentException("max.event.bytes " + maxEventBytes + " would reject the deep event for its size");
        }
        String deep = "{\"a\":" + "[".repeat(DEEP_NESTING) + "]".repeat(DEEP_NESTING) + "}";
        List<BadIngestRecord> all = new ArrayList<>();
        all.add(value("UTF-16LE", encoded("{\"a\":1}", StandardCharsets.UTF_16LE), "UTF-16LE"));
        all.add(value("UTF-16BE with a byte order mark", encoded("\uFEFF{\"a\":1}", StandardCharsets.UTF_16BE),
                "UTF-16BE with a byte order mark"));
        all.add(value("UTF-32BE", encoded("{\"a\":1}", Charset.forName("UTF-32BE")), "UTF-32BE"));
        all.add(value("UTF-32LE", encoded("{\"a\":1}", Charset.forName("UTF-32LE")), "UTF-32LE"));
        all.add(value("overlong UTF-8 ('/' in two bytes)", utf8Around(0xC0, 0xAF), "not valid UTF-8"));
        all.add(value("a surrogate in UTF-8 (U+D800)", utf8Around(0xED, 0xA0, 0x80), "not valid UTF-8"));
        all.add(value("a code point above U+10FFFF", utf8Around(0xF4, 0x90, 0x80, 0x80), "not valid UTF-8"));
        all.add(value(DEEP_NESTING + "-deep nesting", deep.getBytes(StandardCharsets.US_ASCII), "nests deeper than max.event.depth"));
        all.add(value("one byte over max.event.bytes", eventOfSize(maxEventBytes + 1), "over max.event.bytes " + maxEventBytes));
        all.add(value("a JSON array", ascii("[1,2,3]"), "a JSON array, not a JSON object"));
        all.add(value("a JSON string", ascii("\"just text\""), "a JSON string, not a JSON object"));
        all.add(value("JSON null", ascii("null"), "JSON null, not a JSON object"));
        all.add(value("an empty value", new byte[0], "event is empty"));
        all.add(value("a tombstone (no value)", null, "event is null"));
        all.add(new BadIngestRecord("a 70 KB correlation id header", ascii("{\"a\":1}"),
                Map.of("alldata-correlation-id", "c".repeat(70_000).getBytes(StandardCharsets.US_ASCII)), null,
                "correlation id (header alldata-correlation-id) is 70000 bytes, over max.key.bytes"));
        all.add(new BadIngestRecord("a timestamp in the year 10000", ascii("{\"a\":1}"), Map.of(), YEAR_10000_MS,
                "after 9999-12-31T23:59:59.999Z"));
        return all;
    }

    /** A valid event of exactly {@code bytes} bytes, {@code {"pad":"xx…"}}. */
    public static byte[] eventOfSize(int bytes) {
        String frame = "{\"pad\":\"\"}";
        return ("{\"pad\":\"" + "x".repeat(bytes - frame.length()) + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    private static BadIngestRecord value(String name, byte[] value, String reason) {
        return new BadIngestRecord(name, value, Map.of(), null, reason);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] encoded(String s, Charset charset) {
        return s.getBytes(charset);
    }

    /** {@code {"a":"<bytes>"}}: the given bytes inside a JSON string. */
    private static byte[] utf8Around(int... bytes) {
        byte[] head = ascii("{\"a\":\"");
        byte[] out = Arrays.copyOf(head, head.length + bytes.length + 2);
        for (int i = 0; i < bytes.length; i++) {
            out[head.length + i] = (byte) bytes[i];
        }
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BadIngestRecord b && name.equals(b.name) && Arrays.equals(value, b.value)
                && headers.keySet().equals(b.headers.keySet())
                && headers.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), b.headers.get(e.getKey())))
                && Objects.equals(timestampMs, b.timestampMs) && reason.equals(b.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(value), headers.keySet(), timestampMs, reason);
    }

    @Override
    public String toString() {
        return name;
    }
}
