package alldata.sidecar.coordinator;

import alldata.core.AllDataKey;
import alldata.core.CommitLevel;
import alldata.core.SpreadRequirement;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Decides whether an ingest record becomes a put, before any work is done on it. Pure (no Streams types,
 * no I/O, no clock), immutable and thread-safe; {@link #check} never throws, so no record a producer can
 * send stalls a partition.
 *
 * <p>Checks, cheapest first: the correlation id and record key, the commit-level header, the record's
 * position and timestamp (they make the key), the total header size, then the value: present, within
 * {@code max.event.bytes}, strict UTF-8 (no UTF-16/32, no byte order mark), exactly one JSON object
 * within {@code max.event.depth}. Every rejection reason is one line naming the rule or the limit.
 *
 * <p>Cost, measured once with a throwaway loop (JDK 17, 6 rounds of 2 million events, warm) on a shared
 * 2-core machine at load average ~7, so an upper bound: 0.7-1.0 µs per accepted 200-byte ASCII event of
 * 8 fields, of which ~0.25 µs is deriving the key (its date formatting) and ~21 ns the UTF-8 check; the
 * rest is Jackson's tokenizer.
 */
final class IngestValidator {
    static final String COMMIT_LEVEL_HEADER = "alldata-commit-level";
    static final String CORRELATION_HEADER = "alldata-correlation-id";
    static final String MIN_ZONES_HEADER = "alldata-min-zones";
    static final String MIN_REGIONS_HEADER = "alldata-min-regions";
    /** No valid fault-domain count is longer ("255"); a longer header is rejected without decoding it. */
    private static final int MAX_COUNT_HEADER_BYTES = 8;
    /**
     * Largest stand-in correlation id (UTF-8 bytes) a rejection carries when the record's own id is unusable,
     * so that its FAILED outcome always fits the results topic.
     */
    static final int MAX_REPORTED_ID_BYTES = 256;
    /** Last millisecond an AllData key can carry: {@code yyyyMMdd'T'HHmmssSSS} has four digits for the year. */
    static final long MAX_TIMESTAMP_MS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    /**
     * Longest number and longest field name in an event, in characters. Pinned to Jackson's default reader
     * limits (not inherited, so a Jackson upgrade cannot change what AllData accepts): any event stored can
     * be read back by a default-configured Jackson. Strings need no limit of their own: values are skipped,
     * not decoded, and {@code max.event.bytes} bounds them.
     */
    static final int MAX_NUMBER_CHARS = 1_000;
    static final int MAX_NAME_CHARS = 50_000;
    /** No commit level name is longer; a longer header is rejected without decoding it. */
    private static final int MAX_LEVEL_HEADER_BYTES = 32;
    private static final int MAX_REASON_CHARS = 600;
    private static final String LEVELS = "ONE, QUORUM, ALL";

    private final IngestLimits limits;
    private final CommitLevel defaultLevel;
    private final SpreadRequirement defaultSpread;
    private final int replicationFactor;
    private final JsonFactory json;

    /**
     * @param limits       what a record may carry
     * @param defaultLevel the commit level of records without the {@value #COMMIT_LEVEL_HEADER} header
     */
    IngestValidator(IngestLimits limits, CommitLevel defaultLevel) {
        this(limits, defaultLevel, SpreadRequirement.NONE, 255);
    }

    /**
     * @param limits            what a record may carry
     * @param defaultLevel      the commit level of records without the {@value #COMMIT_LEVEL_HEADER} header
     * @param defaultSpread     the fault domains of records without the {@value #MIN_ZONES_HEADER} and
     *                          {@value #MIN_REGIONS_HEADER} headers
     * @param replicationFactor the most zones or regions a record may ask for
     */
    IngestValidator(IngestLimits limits, CommitLevel defaultLevel, SpreadRequirement defaultSpread, int replicationFactor) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
        this.defaultSpread = Objects.requireNonNull(defaultSpread, "defaultSpread");
        this.replicationFactor = replicationFactor;
        // Jackson's nesting limit sits one above ours, so ours fires first with the config key in its
        // message; the parser is iterative, so even a 100,000-deep value stops there without deep stacks.
        // Field names are only skipped: producers' names need not go into the JVM's string table.
        this.json = JsonFactory.builder()
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth() + 1)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .maxNameLength(MAX_NAME_CHARS)
                        .build())
                .build();
    }

    /**
     * Checks one ingest record. Never throws: an unexpected failure inside becomes a rejection saying
     * "internal error validating record".
     *
     * <p>The correlation id is the {@value #CORRELATION_HEADER} header when present and not blank, else the
     * record key when it is well-formed UTF-8 and not blank, else {@code <partition>-<offset>} (also for a
     * binary key, which no id string can equal). Ids are limited to {@code max.key.bytes}. When the id itself
     * is unusable (over that limit, or a header that is not UTF-8), the rejection carries a stand-in of at
     * most {@value #MAX_REPORTED_ID_BYTES} bytes: a prefix of the id followed by {@code …(N bytes)}, N being
     * the size of the whole id; a consumer waiting for that id sees its FAILED outcome under the stand-in.
     *
     * @param recordKey   the record key, or null
     * @param value       the record value, or null (a tombstone)
     * @param headers     the record headers (null counts as none)
     * @param timestampMs the record timestamp, which the AllData key is derived from
     * @param partition   the ingest record's partition
     * @param offset      the ingest record's offset
     */
    IngestDecision check(byte[] recordKey, byte[] value, Headers headers, long timestampMs, int partition, long offset) {
        try {
            return decide(recordKey, value, headers, timestampMs, partition, offset);
        } catch (RuntimeException e) {
            return rejected("internal error validating record: " + e, idDespite(recordKey, headers, partition, offset),
                    null);
        }
    }

    /** The correlation id of a record whose check failed unexpectedly, if it can still be had. */
    private String idDespite(byte[] recordKey, Headers headers, int partition, long offset) {
        try {
            return correlationId(header(headers, CORRELATION_HEADER), recordKey, partition, offset).value();
        } catch (RuntimeException e) {
            return partition + "-" + offset;
        }
    }

    private IngestDecision decide(byte[] recordKey, byte[] value, Headers headers, long timestampMs, int partition,
                                  long offset) {
        Checked<String> id = correlationId(header(headers, CORRELATION_HEADER), recordKey, partition, offset);
        Checked<CommitLevel> level = commitLevel(header(headers, COMMIT_LEVEL_HEADER));
        if (id.problem() != null) {
            return rejected(id.problem(), id.value(), level.value());
        }
        if (level.problem() != null) {
            return rejected(level.problem(), id.value(), null);
        }
        Checked<Integer> minZones = faultDomains(header(headers, MIN_ZONES_HEADER), "zones", defaultSpread.minZones());
        if (minZones.problem() != null) {
            return rejected(minZones.problem(), id.value(), level.value());
        }
        Checked<Integer> minRegions = faultDomains(header(headers, MIN_REGIONS_HEADER), "regions",
                defaultSpread.minRegions());
        if (minRegions.problem() != null) {
            return rejected(minRegions.problem(), id.value(), level.value());
        }
        String problem = recordProblem(headers, timestampMs, partition, offset);
        if (problem != null) {
            return rejected(problem, id.value(), level.value());
        }
        Checked<byte[]> event = eventObject(value);
        if (event.problem() != null) {
            return rejected(event.problem(), id.value(), level.value());
        }
        String key = AllDataKey.ingest(timestampMs, partition, offset).value();
        return new IngestDecision.Accepted(key, event.value(), level.value(), id.value(),
                new SpreadRequirement(minZones.value(), minRegions.value()));
    }

    /**
     * A fault-domain count header: a decimal number from 1 to the replication factor (more could never be met, and an
     * explicit requirement is never degraded, so it is refused here rather than FAILED later).
     */
    private Checked<Integer> faultDomains(Header header, String what, int byDefault) {
        byte[] given = header == null ? null : header.value();
        if (given == null) {
            return Checked.ok(byDefault);
        }
        String name = "header alldata-min-" + what;
        String expected = "expected a number of " + what + " from 1 to the replication factor " + replicationFactor;
        if (given.length > MAX_COUNT_HEADER_BYTES) {
            return new Checked<>(null, name + " is " + given.length + " bytes, no valid count is that long; " + expected);
        }
        int bad = StrictUtf8.invalidAt(given);
        if (bad >= 0) {
            return new Checked<>(null, name + " is not valid UTF-8 (" + StrictUtf8.describe(given, bad) + "); " + expected);
        }
        String text = new String(given, StandardCharsets.UTF_8).strip();
        int n;
        try {
            n = text.chars().allMatch(c -> c >= '0' && c <= '9') && !text.isEmpty() ? Integer.parseInt(text) : -1;
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > replicationFactor) {
            return new Checked<>(null, name + " is \"" + text + "\"; " + expected);
        }
        return Checked.ok(n);
    }

    /** A value, or what is wrong; when something is wrong the value is what a rejection can still carry. */
    private record Checked<T>(T value, String problem) {
        static <T> Checked<T> ok(T value) {
            return new Checked<>(value, null);
        }
    }

    private Checked<String> correlationId(Header header, byte[] recordKey, int partition, long offset) {
        String keyProblem = recordKey != null && recordKey.length > limits.maxKeyBytes()
                ? "record key is " + recordKey.length + " bytes, over max.key.bytes " + limits.maxKeyBytes() : null;
        byte[] given = header == null ? null : header.value();
        if (given != null && given.length > 0) {
            if (given.length > limits.maxKeyBytes()) {
                return new Checked<>(standIn(given), "correlation id (header " + CORRELATION_HEADER + ") is "
                        + given.length + " bytes, over max.key.bytes " + limits.maxKeyBytes());
            }
            int bad = StrictUtf8.invalidAt(given);
            if (bad >= 0) {
                return new Checked<>(standIn(given), "header " + CORRELATION_HEADER + " is not valid UTF-8: "
                        + StrictUtf8.describe(given, bad));
            }
            String id = new String(given, StandardCharsets.UTF_8);
            if (!id.isBlank()) {
                return new Checked<>(id, keyProblem);
            }
        }
        if (keyProblem != null) {
            return new Checked<>(standIn(recordKey), keyProblem);
        }
        if (recordKey != null && recordKey.length > 0 && StrictUtf8.isValid(recordKey)) {
            String id = new String(recordKey, StandardCharsets.UTF_8);
            if (!id.isBlank()) {
                return Checked.ok(id);
            }
        }
        return Checked.ok(partition + "-" + offset);
    }

    /** The rejection's stand-in for an unusable correlation id: at most {@link #MAX_REPORTED_ID_BYTES} bytes. */
    static String standIn(byte[] id) {
        String suffix = "…(" + id.length + " bytes)";
        int room = MAX_REPORTED_ID_BYTES - StrictUtf8.encodedLength(suffix);
        int cut = Math.min(id.length, room);
        while (cut > 0 && cut < id.length && (id[cut] & 0xC0) == 0x80) {
            cut--; // do not split a sequence
        }
        // decoding replaces ill-formed bytes with U+FFFD (3 bytes each), so bound the text again
        String prefix = new String(id, 0, cut, StandardCharsets.UTF_8);
        return StrictUtf8.truncate(prefix, room) + suffix;
    }

    private Checked<CommitLevel> commitLevel(Header header) {
        byte[] given = header == null ? null : header.value();
        if (given == null) {
            return Checked.ok(defaultLevel);
        }
        if (given.length > MAX_LEVEL_HEADER_BYTES) {
            return new Checked<>(null, "header " + COMMIT_LEVEL_HEADER + " is " + given.length
                    + " bytes, no commit level is that long; expected one of " + LEVELS);
        }
        int bad = StrictUtf8.invalidAt(given);
        if (bad >= 0) {
            return new Checked<>(null, "header " + COMMIT_LEVEL_HEADER + " is not valid UTF-8 ("
                    + StrictUtf8.describe(given, bad) + "); expected one of " + LEVELS);
        }
        try {
            return Checked.ok(CommitLevel.parse(new String(given, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return new Checked<>(null, "header " + COMMIT_LEVEL_HEADER + ": " + e.getMessage());
        }
    }

    /** The record's position and timestamp make its key; its headers travel with its outcome and dead letter. */
    private String recordProblem(Headers headers, long timestampMs, int partition, long offset) {
        if (partition < 0 || partition > AllDataKey.MAX_PARTITION) {
            return "ingest partition " + partition + " is outside 0.." + AllDataKey.MAX_PARTITION
                    + ", the partitions an AllData key can carry";
        }
        if (offset < 0) {
            return "ingest offset " + offset + " is negative";
        }
        // Out-of-range timestamps are rejected, never clamped: a clamped key would sort among the keys of
        // real events of the clamp time, and every later such record would pile up at the same instant.
        if (timestampMs < 0) {
            return "record timestamp " + timestampMs + " is negative (no timestamp); the AllData key is made from it";
        }
        if (timestampMs > MAX_TIMESTAMP_MS) {
            return "record timestamp " + timestampMs + " (" + Instant.ofEpochMilli(timestampMs)
                    + ") is after 9999-12-31T23:59:59.999Z, the last time an AllData key (yyyyMMdd'T'HHmmssSSS)"
                    + " can carry";
        }
        long headerBytes = headerBytes(headers);
        if (headerBytes > limits.maxHeaderBytes()) {
            return "headers are " + headerBytes + " bytes, over max.header.bytes " + limits.maxHeaderBytes();
        }
        return null;
    }

    /** Names (in UTF-8) and values of all headers. */
    private static long headerBytes(Headers headers) {
        long total = 0;
        if (headers != null) {
            for (Header h : headers) {
                total += StrictUtf8.encodedLength(h.key()) + (h.value() == null ? 0 : h.value().length);
            }
        }
        return total;
    }

    private Checked<byte[]> eventObject(byte[] value) {
        if (value == null) {
            return problem("event is null (a tombstone); expected a JSON object");
        }
        if (value.length == 0) {
            return problem("event is empty; expected a JSON object");
        }
        if (value.length > limits.maxEventBytes()) {
            return problem("event is " + value.length + " bytes, over max.event.bytes " + limits.maxEventBytes());
        }
        // Decided before Jackson sees the bytes: Jackson would detect UTF-16/32 and decode them, and skip a
        // UTF-8 byte order mark, but every replica must store the produced bytes as UTF-8 JSON text.
        String foreign = foreignEncoding(value);
        if (foreign != null) {
            return problem("event is " + foreign + ", first bytes "
                    + StrictUtf8.hex(value, 0, Math.min(value.length, 4))
                    + "; events must be UTF-8 without a byte order mark (RFC 8259)");
        }
        // Jackson itself lets overlong forms and surrogates through inside strings
        int bad = StrictUtf8.invalidAt(value);
        if (bad >= 0) {
            return problem("event is not valid UTF-8: " + StrictUtf8.describe(value, bad));
        }
        return jsonObject(value);
    }

    /**
     * The encoding of a value that visibly is not UTF-8 JSON text, or null: a byte order mark, or zero bytes
     * among the first four, which JSON text in UTF-8 never has there (RFC 4627 §3 detects encodings so).
     * Ruling these out also keeps Jackson on its UTF-8 reader, which is the one whose byte offsets we use.
     */
    private static String foreignEncoding(byte[] v) {
        int b0 = v[0] & 0xFF;
        int b1 = v.length > 1 ? v[1] & 0xFF : -1;
        int b2 = v.length > 2 ? v[2] & 0xFF : -1;
        int b3 = v.length > 3 ? v[3] & 0xFF : -1;
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            return "UTF-8 with a byte order mark";
        }
        if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) {
            return "UTF-32BE with a byte order mark";
        }
        if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0) {
            return "UTF-32LE with a byte order mark";
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            return "UTF-16BE with a byte order mark";
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            return "UTF-16LE with a byte order mark";
        }
        if (b0 == 0) {
            return b1 == 0 ? "UTF-32BE" : "UTF-16BE";
        }
        if (b1 == 0) {
            return b2 == 0 ? "UTF-32LE" : "UTF-16LE";
        }
        if (b2 == 0 || b3 == 0) {
            return "UTF-16 or UTF-32 (zero bytes)";
        }
        return null;
    }

    /** Exactly one JSON object, nothing but whitespace around it; the object's bytes. */
    private Checked<byte[]> jsonObject(byte[] value) {
        String failing = "event is not valid JSON";
        try (JsonParser p = json.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return problem("event is only whitespace; expected a JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                return problem("event is " + describe(first) + ", not a JSON object");
            }
            int start = (int) p.currentTokenLocation().getByteOffset();
            int depth = 1;
            while (depth > 0) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    return problem("event is not valid JSON: it ends inside its object");
                }
                if (t.isStructStart()) {
                    if (++depth > limits.maxDepth()) {
                        return problem("event nests deeper than max.event.depth " + limits.maxDepth()
                                + " (at byte " + p.currentTokenLocation().getByteOffset() + ")");
                    }
                } else if (t.isStructEnd()) {
                    depth--;
                }
            }
            int end = (int) p.currentLocation().getByteOffset();
            failing = "event has content after its JSON object";
            JsonToken after = p.nextToken();
            if (after != null) {
                return problem(failing + " (" + describe(after) + " at byte "
                        + p.currentTokenLocation().getByteOffset() + ")");
            }
            return Checked.ok(start == 0 && end == value.length ? value : Arrays.copyOfRange(value, start, end));
        } catch (StreamConstraintsException e) {
            // e.g. "Number value length (1200) exceeds the maximum allowed (1000, from `StreamReadConstraints...`)"
            return problem("event exceeds a JSON reader limit: "
                    + e.getOriginalMessage().replaceAll(", from `[^`]*`", ""));
        } catch (JsonProcessingException e) {
            return problem(failing + ": " + e.getOriginalMessage() + at(e.getLocation()));
        } catch (IOException e) {
            return problem(failing + ": " + e.getMessage()); // not expected: reading a byte array does no I/O
        }
    }

    private static <T> Checked<T> problem(String reason) {
        return new Checked<>(null, reason);
    }

    private static String at(JsonLocation location) {
        return location == null || location.getByteOffset() < 0 ? "" : " (at byte " + location.getByteOffset() + ")";
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "another JSON object";
            case START_ARRAY -> "a JSON array";
            case VALUE_STRING -> "a JSON string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a JSON number";
            case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
            case VALUE_NULL -> "JSON null";
            default -> "JSON token " + t;
        };
    }

    private static Header header(Headers headers, String name) {
        return headers == null ? null : headers.lastHeader(name);
    }

    /** Every reason is one bounded line: it goes into a log line, a result and a dead-letter header. */
    private static IngestDecision.Rejected rejected(String reason, String correlationId, CommitLevel level) {
        StringBuilder line = new StringBuilder(Math.min(reason.length(), MAX_REASON_CHARS + 1));
        for (int i = 0; i < reason.length() && line.length() < MAX_REASON_CHARS; i++) {
            char c = reason.charAt(i);
            boolean breaksLine = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            line.append(breaksLine ? ' ' : c);
        }
        if (line.length() < reason.length()) {
            if (Character.isHighSurrogate(line.charAt(line.length() - 1))) {
                line.setLength(line.length() - 1);
            }
            line.append('…');
        }
        return new IngestDecision.Rejected(line.toString(), correlationId, level);
    }
}
