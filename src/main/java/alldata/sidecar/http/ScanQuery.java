package alldata.sidecar.http;

import alldata.protocol.ScanRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of {@code GET /events?from=&to=&limit=&cursor=&newest=&local=}, checked.
 *
 * @param from   first key (or key prefix) to include, or null
 * @param to     first key (or key prefix) to exclude, or null
 * @param limit  events per page
 * @param newest the newest {@code limit} events of the range instead of the first
 * @param cursor the cursor the page resumes from, as given, or null
 * @param after  the last key the cursor names, or null
 * @param local  this node's own store only
 */
record ScanQuery(String from, String to, int limit, boolean newest, String cursor, String after, boolean local) {
    /** Default and largest {@code limit} of a scan page. */
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 100_000;

    private static final Set<String> PARAMETERS = Set.of("from", "to", "limit", "newest", "cursor", "local");

    /**
     * Checks the query of a scan.
     *
     * @throws IllegalArgumentException saying which parameter is wrong and why (a 400)
     */
    static ScanQuery parse(Map<String, String> query) {
        Map<String, String> q = new HashMap<>(query);
        for (String name : q.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "': a scan takes from, to, limit, cursor,"
                        + " newest and local");
            }
        }
        q.values().removeIf(String::isEmpty); // "from=" means no bound, as if it were left out
        String from = QueryParameters.keyBound(q, "from");
        String to = QueryParameters.keyBound(q, "to");
        QueryParameters.requireOrdered(from, to);
        int limit = DEFAULT_LIMIT;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit must be a number, got '" + q.get("limit") + "'");
            }
            if (limit < 0 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be within 0.." + MAX_LIMIT + ", got " + limit);
            }
        }
        boolean newest = flag(q, "newest");
        boolean local = flag(q, "local");
        String cursor = q.get("cursor");
        if (cursor != null && newest) {
            throw new IllegalArgumentException("cursor and newest=true do not go together: the newest events are one page");
        }
        String after = cursor == null ? null : ScanCursor.lastKey(cursor);
        return new ScanQuery(from, to, limit, newest, cursor, after, local);
    }

    /** The store's lower bound: {@code from}, or just after the cursor's key when that is later. */
    String lowerBound() {
        if (after == null) {
            return from;
        }
        String justAfter = after + "\u0000"; // the smallest key greater than the cursor's
        return from == null || justAfter.compareTo(from) > 0 ? justAfter : from;
    }

    /** The request that asks a peer for its own share of this page ({@code local=true}, so that it asks no further). */
    ScanRequest peerRequest() {
        return new ScanRequest(from, to, limit, newest, cursor, true);
    }

    static boolean flag(Map<String, String> q, String name) {
        return switch (q.getOrDefault(name, "false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + q.get(name) + "'");
        };
    }
}
