package alldata.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Times as people write them for a key range: a prefix of the key time ({@code yyyy}, {@code yyyyMM},
 * {@code yyyyMMdd}, {@code yyyyMMdd'T'HH}, {@code …HHmm}, {@code …HHmmss}, {@code …HHmmssSSS}, all UTC, the
 * omitted rest being the start of that period) or ISO-8601 ({@code 2026-11-25T04:00:00Z}, with an offset, or a
 * date, which means its midnight UTC).
 */
public final class KeyTime {
    /** The smallest key time, whose prefixes pad a shorter one. */
    private static final String START = "00000101T000000000";

    private KeyTime() {
    }

    /**
     * The instant {@code text} stands for.
     *
     * @throws IllegalArgumentException saying which forms are accepted
     */
    public static Instant parse(String text) {
        String t = text == null ? "" : text.strip();
        if (isKeyPrefix(t)) {
            try {
                return AllDataKey.Time.parse(t + START.substring(t.length()));
            } catch (IllegalArgumentException e) {
                throw notATime(text); // e.g. month 13 or hour 25
            }
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw notATime(text);
        }
    }

    private static IllegalArgumentException notATime(String text) {
        return new IllegalArgumentException("'" + text + "' is not a time: use a UTC key prefix (20261125, 20261125T04,"
                + " 20261125T0415, ...) or ISO-8601 (2026-11-25T04:00:00Z, 2026-11-25)");
    }

    /** The key bound of {@code instant}: every key at or after it compares at or after this. */
    public static String keyBound(Instant instant) {
        return AllDataKey.timePrefix(instant);
    }

    private static boolean isKeyPrefix(String t) {
        if (!(t.length() == 4 || t.length() == 6 || t.length() == 8 || t.length() == 11 || t.length() == 13
                || t.length() == 15 || t.length() == AllDataKey.TIME_LENGTH)) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (i == 8 ? c != 'T' : c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
