package alldata.sidecar.http;

import alldata.sidecar.repair.EventRepairer;
import alldata.sidecar.repair.RepairService;
import alldata.core.IntervalDigest;
import alldata.protocol.DigestReport;
import alldata.protocol.RepairLines;
import alldata.protocol.RepairStatus;
import alldata.sidecar.http.Exchanges;
import alldata.sidecar.http.QueryParameters;
import alldata.sidecar.http.Replies;
import alldata.store.HeldEvent;
import alldata.store.ReplicaDigests;
import alldata.store.ReplicaReads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The repair endpoints of a sidecar's HTTP API (mounted under {@code /repair} and {@code /admin}):
 * <ul>
 *   <li>{@code GET /repair/status}: what repair is doing (JSON, {@link alldata.protocol.RepairStatus});</li>
 *   <li>{@code POST /repair/holds}: body: keys, one per line; answer: the keys this node holds, with a hash of
 *       their bytes ({@link RepairLines}); peers ask it before they copy an event;</li>
 *   <li>{@code GET /repair/digests?from=&to=}: this node's interval digests over [from, to), counted from its
 *       data, and the intervals where the digests it kept while writing disagree ("drift"; JSON,
 *       {@link DigestReport}); nothing changes, so drift is reported until it is resynced;</li>
 *   <li>{@code POST /repair/digests?from=&to=}: the same report, and the kept digests of the drifting intervals are
 *       resynced with the data (each logged), so that the next report names only new drift
 *       ({@code alldata repair check} asks for this);</li>
 *   <li>{@code GET /repair/keys?from=&to=[&peer=][&limit=]}: the events held in [from, to) (whose plan names
 *       {@code peer}, if given), one line each: key, replication factor, hash; {@code after=KEY} instead of
 *       {@code from} starts after a key (the next page);</li>
 *   <li>{@code POST /repair/events}: body: keys; repairs them now as the responsible node and answers one line per
 *       key saying what was done;</li>
 *   <li>{@code POST /admin/decommission}: starts decommissioning this node (202 and the status; 409 and the reason
 *       when it cannot).</li>
 * </ul>
 */
public final class RepairHttp implements HttpHandler {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RepairHttp.class);
    private static final int MAX_BODY_BYTES = 2 << 20;
    private static final int MAX_KEY_LINES = 100_000;
    private static final Set<String> RANGE_PARAMETERS = Set.of("from", "after", "to", "peer", "limit");

    private final ReplicaReads reads;
    private final ReplicaDigests digests;
    private final RepairService repair;
    private final String node;

    public <S extends ReplicaReads & ReplicaDigests> RepairHttp(String node, S store, RepairService repair) {
        this.node = node;
        this.reads = store;
        this.digests = store;
        this.repair = repair;
    }

    @Override
    public void handle(HttpExchange ex) {
        Exchanges.answer(ex, () -> {
            route(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    QueryParameters.parse(ex.getRequestURI().getRawQuery()), ex);
            return true;
        });
    }

    private void route(String method, String path, Map<String, String> q, HttpExchange ex)
            throws IOException, InterruptedException {
        List<String> allowed = switch (path) {
            case "/repair/status", "/repair/keys" -> List.of("GET", "HEAD");
            case "/repair/digests" -> List.of("GET", "HEAD", "POST");
            case "/repair/holds", "/repair/events", "/admin/decommission" -> List.of("POST");
            default -> null;
        };
        if (allowed == null) {
            Replies.text(ex, 404, "no resource at " + path + "; there are GET /repair/status, POST /repair/holds,"
                    + " GET and POST /repair/digests, GET /repair/keys, POST /repair/events, POST /admin/decommission");
            return;
        }
        if (!allowed.contains(method)) {
            String methods = String.join(", ", allowed);
            ex.getResponseHeaders().set("Allow", methods);
            Replies.text(ex, 405, "method " + method + " not allowed on " + path + ": only " + methods);
            return;
        }
        switch (path) {
            case "/repair/status" -> Replies.json(ex, 200, repair.status());
            case "/repair/holds" -> Replies.send(ex, 200, Replies.TEXT,
                    RepairLines.held(reads.contentHashes(RepairLines.parseKeys(body(ex)))));
            case "/repair/digests" -> Replies.json(ex, 200, digests(q, method.equals("POST")));
            case "/repair/keys" -> Replies.send(ex, 200, Replies.TEXT, keys(q));
            case "/repair/events" -> Replies.send(ex, 200, Replies.TEXT, repairNow(RepairLines.parseKeys(body(ex))));
            default -> decommission(ex);
        }
    }

    /** 409 with the reason when the node cannot start decommissioning; any other failure is a 500. */
    private void decommission(HttpExchange ex) throws IOException {
        RepairStatus started;
        try {
            started = repair.decommission();
        } catch (IllegalStateException e) {
            Replies.text(ex, 409, e.getMessage());
            return;
        }
        Replies.json(ex, 202, started);
    }

    /** @param resync whether the kept digests of drifting intervals are reset to the recount (POST only) */
    private DigestReport digests(Map<String, String> q, boolean resync) {
        checkParameters(q, Set.of("from", "to"));
        String from = bound(q, "from");
        String to = bound(q, "to");
        QueryParameters.requireOrdered(from, to);
        Map<String, Map<String, IntervalDigest>> counted = digests.countedDigests(from, to);
        Map<String, Map<String, IntervalDigest>> kept = digests.keptDigests(from, to);
        Map<String, Map<String, DigestReport.Entry>> intervals = new TreeMap<>();
        counted.forEach((interval, rows) -> {
            Map<String, DigestReport.Entry> out = new TreeMap<>();
            rows.forEach((peer, d) -> out.put(peer, new DigestReport.Entry(d.count(), d.xorHex())));
            intervals.put(interval, out);
        });
        List<String> drift = new ArrayList<>();
        for (String interval : new java.util.TreeSet<>(union(counted.keySet(), kept.keySet()))) {
            if (counted.getOrDefault(interval, Map.of()).equals(kept.getOrDefault(interval, Map.of()))) {
                continue;
            }
            // a range that cuts an interval compares part of it: the whole interval is checked again
            if (!resync) {
                if (digests.keptDigestsDrifted(interval)) {
                    drift.add(interval);
                }
            } else if (digests.reconcileKeptDigests(interval)) {
                drift.add(interval);
                log.warn("{}'s digests of interval {} kept while writing differed from a recount of its data: events"
                        + " were lost or changed behind its store's back (a key deleted by hand, a lost file); they follow"
                        + " the data again, and 'alldata repair check' repairs what is missing", node, interval);
            }
        }
        return new DigestReport(node, intervals, drift);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** The key lines of the range, as {@link RepairLines#keyLine}. */
    private byte[] keys(Map<String, String> q) {
        checkParameters(q, RANGE_PARAMETERS);
        String from = bound(q, "from");
        String after = bound(q, "after");
        if (after != null && from != null) {
            throw new IllegalArgumentException("give from or after, not both");
        }
        String to = bound(q, "to");
        QueryParameters.requireOrdered(after != null ? after : from, to);
        if (after != null) {
            from = after + "\0";
        }
        String peer = q.get("peer");
        int limit = MAX_KEY_LINES;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit must be a number, got '" + q.get("limit") + "'");
            }
            if (limit < 0 || limit > MAX_KEY_LINES) {
                throw new IllegalArgumentException("limit must be within 0.." + MAX_KEY_LINES + ", got " + limit);
            }
        }
        StringBuilder sb = new StringBuilder();
        int lines = 0;
        String next = from;
        while (lines < limit) {
            List<HeldEvent> chunk = reads.scanHeld(next, to, 10_000);
            for (HeldEvent e : chunk) {
                if (lines >= limit) {
                    break;
                }
                if (e.meta() != null && (peer == null || e.meta().replicas().contains(peer))) {
                    sb.append(RepairLines.keyLine(new RepairLines.KeyLine(e.key(), e.meta().replicationFactor(),
                            e.contentHash(), e.failed())));
                    lines++;
                }
            }
            if (chunk.size() < 10_000) {
                break;
            }
            next = chunk.get(chunk.size() - 1).key() + "\0";
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One line per key: what repairing it now did. */
    private byte[] repairNow(List<String> keys) throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        for (EventRepairer.Outcome o : repair.repairNow(keys)) {
            sb.append(o.key()).append(' ').append(o.what().replace('\n', ' ')).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void checkParameters(Map<String, String> q, Set<String> allowed) {
        for (String name : q.keySet()) {
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "': this endpoint takes " + allowed);
            }
        }
    }

    /** A range bound: a key or key prefix, or absent (also when empty). */
    private static String bound(Map<String, String> q, String name) {
        String v = QueryParameters.keyBound(q, name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
            if (b.length > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("request body over " + MAX_BODY_BYTES + " bytes");
            }
            return b;
        }
    }

}
