package alldata.core;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Objects;

/**
 * An AllData key: an ASCII string whose lexicographic order is time order. It starts with the UTC time
 * to the millisecond, {@code yyyyMMdd'T'HHmmssSSS} (18 characters), followed by one of two layouts:
 * <ul>
 *   <li>{@link Ingest}: {@code <time>-<partition, 5 digits>-<offset, 19 digits>} (44 characters), derived
 *       only from an ingest record's timestamp, partition and offset, so a record processed twice gets the
 *       same key;</li>
 *   <li>{@link Generated}: {@code <time><9 digits>} (27 characters), the seed's layout, made by
 *       {@link KeyGenerator}.</li>
 * </ul>
 * Keys compare by their text, which is time order (then partition and offset, or sequence).
 */
public sealed interface AllDataKey extends Comparable<AllDataKey> permits AllDataKey.Ingest, AllDataKey.Generated {

    /** Length of the time prefix. */
    int TIME_LENGTH = 18;
    /** Length of an ingest-derived key. */
    int INGEST_LENGTH = 44;
    /** Length of a generated (library) key. */
    int GENERATED_LENGTH = 27;
    /** Largest partition an ingest key can carry (5 digits). */
    int MAX_PARTITION = 99_999;

    /** The key's text. */
    String value();

    /** The time the key starts with, to the millisecond. */
    Instant time();

    @Override
    default int compareTo(AllDataKey other) {
        return value().compareTo(other.value());
    }

    /** The key for an ingest record at ({@code partition}, {@code offset}) with timestamp {@code timestampMs}. */
    static Ingest ingest(long timestampMs, int partition, long offset) {
        return new Ingest(Instant.ofEpochMilli(timestampMs), partition, offset);
    }

    /**
     * Parses a key back into its parts.
     *
     * @throws IllegalArgumentException saying what is wrong when {@code text} is not an AllData key
     */
    static AllDataKey parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not an AllData key: null");
        }
        if (text.length() != INGEST_LENGTH && text.length() != GENERATED_LENGTH) {
            throw invalid(text, "expected " + GENERATED_LENGTH + " or " + INGEST_LENGTH + " characters, got "
                    + text.length());
        }
        Instant time = Time.parse(text);
        if (text.length() == GENERATED_LENGTH) {
            return new Generated(time, digits(text, TIME_LENGTH, GENERATED_LENGTH, "sequence"));
        }
        if (text.charAt(TIME_LENGTH) != '-' || text.charAt(TIME_LENGTH + 6) != '-') {
            throw invalid(text, "expected '-' after the time and after the partition");
        }
        long partition = digits(text, TIME_LENGTH + 1, TIME_LENGTH + 6, "partition");
        long offset = digits(text, TIME_LENGTH + 7, INGEST_LENGTH, "offset");
        return new Ingest(time, (int) partition, offset);
    }

    /** True when {@code text} parses as a key. */
    static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The 18-character time prefix of {@code time}: the smallest key at that millisecond. */
    static String timePrefix(Instant time) {
        return Time.format(time);
    }

    private static long digits(String text, int from, int to, String what) {
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(text, what + " must be decimal digits, found '" + c + "' at position " + i);
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw invalid(text, what + " is larger than " + Long.MAX_VALUE);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("not an AllData key: '" + text + "' (" + why + ")");
    }

    /** A key derived from an ingest record: the same record always gets the same key. */
    record Ingest(Instant time, int partition, long offset) implements AllDataKey {
        public Ingest {
            Objects.requireNonNull(time, "time");
            Time.checkRange(time);
            if (partition < 0 || partition > MAX_PARTITION) {
                throw new IllegalArgumentException("partition must be within 0.." + MAX_PARTITION + ", got " + partition);
            }
            if (offset < 0) {
                throw new IllegalArgumentException("offset must not be negative, got " + offset);
            }
        }

        @Override
        public String value() {
            StringBuilder sb = new StringBuilder(INGEST_LENGTH).append(Time.format(time)).append('-');
            pad(sb, partition, 5).append('-');
            return pad(sb, offset, 19).toString();
        }

        @Override
        public String toString() {
            return value();
        }
    }

    /** A key made by {@link KeyGenerator}: the time and a 9-digit process-unique sequence. */
    record Generated(Instant time, long sequence) implements AllDataKey {
        /** Largest sequence (9 digits). */
        public static final long MAX_SEQUENCE = 999_999_999L;

        public Generated {
            Objects.requireNonNull(time, "time");
            Time.checkRange(time);
            if (sequence < 0 || sequence > MAX_SEQUENCE) {
                throw new IllegalArgumentException("sequence must be within 0.." + MAX_SEQUENCE + ", got " + sequence);
            }
        }

        @Override
        public String value() {
            StringBuilder sb = new StringBuilder(GENERATED_LENGTH).append(Time.format(time));
            return pad(sb, sequence, 9).toString();
        }

        @Override
        public String toString() {
            return value();
        }
    }

    private static StringBuilder pad(StringBuilder sb, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }

    /** The time prefix: formatting, strict parsing and the representable range. */
    final class Time {
        private static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS").withResolverStyle(ResolverStyle.STRICT);
        private static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");
        private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

        private Time() {
        }

        static String format(Instant time) {
            checkRange(time);
            // by hand: every ingested event gets a key, and DateTimeFormatter took a quarter of a microsecond
            LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
            char[] c = new char[TIME_LENGTH];
            digits(c, 0, t.getYear(), 4);
            digits(c, 4, t.getMonthValue(), 2);
            digits(c, 6, t.getDayOfMonth(), 2);
            c[8] = 'T';
            digits(c, 9, t.getHour(), 2);
            digits(c, 11, t.getMinute(), 2);
            digits(c, 13, t.getSecond(), 2);
            digits(c, 15, t.getNano() / 1_000_000, 3);
            return new String(c);
        }

        private static void digits(char[] into, int at, int value, int width) {
            for (int i = at + width - 1; i >= at; i--) {
                into[i] = (char) ('0' + value % 10);
                value /= 10;
            }
        }

        static Instant parse(String text) {
            try {
                return LocalDateTime.parse(text.substring(0, TIME_LENGTH), FORMAT).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw invalid(text, "the first " + TIME_LENGTH + " characters must be a UTC time yyyyMMdd'T'HHmmssSSS");
            }
        }

        static void checkRange(Instant time) {
            if (time.isBefore(MIN) || time.isAfter(MAX)) {
                throw new IllegalArgumentException("time " + time + " cannot be written as yyyyMMdd'T'HHmmssSSS");
            }
        }
    }
}
