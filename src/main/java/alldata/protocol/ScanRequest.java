package alldata.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One page of a scan as a node's HTTP API is asked for it: {@code GET} {@link #pathAndQuery()}. The answer is
 * {@link ScanLines}.
 *
 * @param from   first key (or key prefix) to include, or null for the beginning
 * @param to     first key (or key prefix) to exclude, or null for the end
 * @param limit  events per page
 * @param newest the newest {@code limit} events of the range (one page) instead of the first
 * @param cursor the {@code next} value of the page before, or null for the first page
 * @param local  only the asked node's own store (what nodes ask each other), not the whole cluster
 */
public record ScanRequest(String from, String to, int limit, boolean newest, String cursor, boolean local) {
    /** The same request from {@code next}, the cursor a page ended with. */
    public ScanRequest withCursor(String next) {
        return new ScanRequest(from, to, limit, newest, next, local);
    }

    /** {@code /events?} and the {@link #query()}. */
    public String pathAndQuery() {
        return "/events?" + query();
    }

    /** The query string, each value encoded. */
    public String query() {
        StringBuilder q = new StringBuilder("limit=").append(limit);
        param(q, "from", from);
        param(q, "to", to);
        param(q, "cursor", cursor);
        if (newest) {
            q.append("&newest=true");
        }
        if (local) {
            q.append("&local=true");
        }
        return q.toString();
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
