package alldata.sidecar.http;

import alldata.core.AllDataKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The cursor of a scan page: opaque to users, it names the last key a page returned, and the next page
 * starts right after it. Written as URL-safe base64 without padding, so it goes into a query unescaped.
 */
final class ScanCursor {
    private ScanCursor() {
    }

    /** The cursor that resumes after {@code lastKey}. */
    static String after(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The last key a cursor names.
     *
     * @throws IllegalArgumentException when {@code cursor} was not made by {@link #after} (a 400)
     */
    static String lastKey(String cursor) {
        String key;
        try {
            key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw malformed(cursor);
        }
        if (!AllDataKey.isValid(key)) {
            throw malformed(cursor);
        }
        return key;
    }

    private static IllegalArgumentException malformed(String cursor) {
        String shown = cursor.length() > 80 ? cursor.substring(0, 80) + "…" : cursor;
        return new IllegalArgumentException("malformed cursor '" + shown + "': pass the \"next\" value of the previous"
                + " page unchanged");
    }
}
