package alldata.sidecar.http;

import alldata.core.AllDataKey;
import alldata.store.RocksReplicaStore;
import alldata.store.StoredEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A sidecar's HTTP API:
 * <ul>
 *   <li>{@code GET /events/{key}}: the event's exact bytes; 404 when absent, 400 when not an AllData key;</li>
 *   <li>{@code GET /events?from=&to=&limit=&newest=}: JSON lines in key (time) order with
 *       {@code from <= key < to}; {@code newest=true} gives the last {@code limit} of the range instead of the
 *       first;</li>
 *   <li>{@code GET /health/live}: 200 while the process serves HTTP (a failing disk does not change it);</li>
 *   <li>{@code GET /health/ready} and its alias {@code GET /health}: 200 when the node can take work, else
 *       503; the body says why in one line;</li>
 *   <li>{@code GET /metrics}: Prometheus text.</li>
 * </ul>
 * HEAD of each answers like GET without a body; other methods get 405, other paths 404.
 */
public final class HttpApi implements AutoCloseable {
    /** Default and largest {@code limit} of a scan. */
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 100_000;

    private static final Set<String> SCAN_PARAMETERS = Set.of("from", "to", "limit", "newest");
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PATHS = "/events/{key}, /events?from=&to=&limit=&newest=, /health/live, /health/ready, "
            + "/metrics";

    /** A response before it is sent: HEAD sends its status and headers only. */
    private record Response(int status, String contentType, byte[] body) {
        static Response text(int status, String line) {
            return new Response(status, TEXT, (line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private final HttpServer server;
    private final RocksReplicaStore store;
    private final Supplier<Health> readiness;
    private final Supplier<String> metrics;

    /**
     * Starts serving on {@code bind:port} (port 0 picks a free one).
     *
     * @param readiness what {@code /health/ready} reports
     * @param metrics   the Prometheus text of {@code /metrics}
     * @throws BindException naming the address when the port is taken
     */
    public HttpApi(String bind, int port, RocksReplicaStore store, Supplier<Health> readiness, Supplier<String> metrics)
            throws IOException {
        this.store = store;
        this.readiness = readiness;
        this.metrics = metrics;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        } catch (BindException e) {
            BindException clear = new BindException("HTTP port " + port + " on " + bind + " is already in use ("
                    + e.getMessage() + "): stop what holds it or choose another port");
            clear.initCause(e);
            throw clear;
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "alldata-http-" + port);
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Serves the paths under {@code prefix} (e.g. {@code /repair}) with {@code handler}: a concern with its own
     * endpoints keeps them in its own handler class.
     */
    public void mount(String prefix, HttpHandler handler) {
        server.createContext(prefix, handler);
    }

    /** The bound address as {@code host:port}. */
    public String address() {
        InetSocketAddress a = server.getAddress();
        return a.getHostString() + ":" + a.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        // errors are answered inside the exchange: a resource block would close it before a catch could reply
        try {
            String method = ex.getRequestMethod();
            Response r;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                r = Response.text(405, "method " + method + " not allowed: only GET and HEAD");
            } else {
                try {
                    r = route(ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery());
                } catch (IllegalArgumentException e) {
                    r = Response.text(400, e.getMessage());
                } catch (RuntimeException e) {
                    r = Response.text(500, "internal error: " + e);
                }
            }
            send(ex, r);
        } finally {
            ex.close();
        }
    }

    private Response route(String path, String rawQuery) throws IOException {
        if (path.equals("/events") || path.equals("/events/")) {
            return scan(QueryParameters.parse(rawQuery));
        }
        if (path.startsWith("/events/")) {
            return get(URLDecoder.decode(path.substring("/events/".length()), StandardCharsets.UTF_8));
        }
        return switch (path) {
            case "/health/live" -> Response.text(200, "live");
            case "/health", "/health/ready" -> {
                Health h = readiness.get();
                yield Response.text(h.healthy() ? 200 : 503, h.detail());
            }
            case "/metrics" -> new Response(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.get().getBytes(StandardCharsets.UTF_8));
            default -> Response.text(404, "no resource at " + path + "; there are " + PATHS);
        };
    }

    private Response get(String key) {
        if (!AllDataKey.isValid(key)) {
            AllDataKey.parse(key); // throws the IllegalArgumentException that says what is wrong (a 400)
        }
        var event = store.get(key);
        return event.isEmpty() ? Response.text(404, "no event under key " + key + " on this node")
                : new Response(200, "application/json", event.get());
    }

    private Response scan(Map<String, String> q) throws IOException {
        for (String name : q.keySet()) {
            if (!SCAN_PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "': a scan takes from, to, limit, newest");
            }
        }
        q.values().removeIf(String::isEmpty); // "from=" means no bound, as if it were left out
        String from = QueryParameters.keyBound(q, "from");
        String to = QueryParameters.keyBound(q, "to");
        if (from != null && to != null && from.compareTo(to) > 0) {
            throw new IllegalArgumentException("from (" + from + ") is after to (" + to
                    + "): no key can match; the range is from <= key < to");
        }
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
        boolean newest = switch (q.getOrDefault("newest", "false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("newest must be true or false, got '" + q.get("newest") + "'");
        };
        List<StoredEvent> events = newest ? store.scanNewest(from, to, limit) : store.scan(from, to, limit);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (StoredEvent e : events) {
            out.write(("{\"key\":\"" + e.key() + "\",\"event\":").getBytes(StandardCharsets.US_ASCII));
            out.write(oneLine(e.event()));
            out.write("}\n".getBytes(StandardCharsets.US_ASCII));
        }
        return new Response(200, "application/x-ndjson", out.toByteArray());
    }

    /**
     * The event with its line breaks turned into spaces, so that each scanned event stays on one JSON line.
     * In valid JSON a raw line break can only be whitespace between tokens (inside strings it must be
     * escaped), so the result is the same JSON value; {@code GET /events/{key}} returns the exact bytes.
     */
    static byte[] oneLine(byte[] event) {
        byte[] copy = null;
        for (int i = 0; i < event.length; i++) {
            if (event[i] == '\n' || event[i] == '\r') {
                if (copy == null) {
                    copy = event.clone();
                }
                copy[i] = ' ';
            }
        }
        return copy == null ? event : copy;
    }

    private static void send(HttpExchange ex, Response r) throws IOException {
        ex.getResponseHeaders().set("Content-Type", r.contentType());
        if (ex.getRequestMethod().equals("HEAD")) {
            // the server sends no body for HEAD; the length header is the application's to set
            ex.getResponseHeaders().set("Content-Length", Integer.toString(r.body().length));
            ex.sendResponseHeaders(r.status(), -1);
            return;
        }
        ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
        if (r.body().length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(r.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
