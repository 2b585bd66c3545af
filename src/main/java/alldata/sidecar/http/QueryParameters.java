package alldata.sidecar.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The query parameters of HTTP requests, as every handler of the API reads them. */
public final class QueryParameters {
    private QueryParameters() {
    }

    /** The parameters of a raw query string (URL-decoded; a name without a value has the value ""). */
    public static Map<String, String> parse(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!k.isEmpty()) {
                m.put(k, v);
            }
        }
        return m;
    }

    /**
     * A key-range bound: keys are printable ASCII, so anything else cannot bound them meaningfully.
     *
     * @return the value, or null when absent
     * @throws IllegalArgumentException naming the parameter when it is not printable ASCII
     */
    public static String keyBound(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v != null && !v.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(name + " must be a key or key prefix (printable ASCII, e.g. 20261125T04), got '"
                    + v + "'");
        }
        return v;
    }

    /**
     * Refuses a range whose {@code from} comes after its {@code to} (either may be null: no bound).
     *
     * @throws IllegalArgumentException saying that no key can match
     */
    public static void requireOrdered(String from, String to) {
        if (from != null && to != null && from.compareTo(to) > 0) {
            throw new IllegalArgumentException("from (" + from + ") is after to (" + to
                    + "): no key can match; the range is from <= key < to");
        }
    }
}
