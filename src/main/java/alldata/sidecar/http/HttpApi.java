package alldata.sidecar.http;

import alldata.store.RocksReplicaStore;
import alldata.store.StoredEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A sidecar's HTTP API: {@code GET /events/{key}}, {@code GET /events?from=&to=&limit=} (JSON lines in
 * key order), {@code GET /health} and {@code GET /metrics} (Prometheus text).
 */
public final class HttpApi implements AutoCloseable {
    /** Default and largest {@code limit} of a scan. */
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 100_000;

    /** What {@code /health} reports. */
    public record Health(boolean healthy, String detail) {
    }

    private final HttpServer server;

    public HttpApi(String bind, int port, RocksReplicaStore store, Supplier<Health> health, Supplier<String> metrics)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "alldata-http-" + port);
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/events", ex -> handle(ex, () -> events(ex, store)));
        server.createContext("/health", ex -> handle(ex, () -> {
            Health h = health.get();
            send(ex, h.healthy() ? 200 : 503, "text/plain", (h.detail() + "\n").getBytes(StandardCharsets.UTF_8));
        }));
        server.createContext("/metrics", ex -> handle(ex, () ->
                send(ex, 200, "text/plain; version=0.0.4", metrics.get().getBytes(StandardCharsets.UTF_8))));
        server.start();
    }

    /** The bound address as {@code host:port}. */
    public String address() {
        InetSocketAddress a = server.getAddress();
        return a.getHostString() + ":" + a.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private interface Handler {
        void run() throws IOException;
    }

    private static void handle(HttpExchange ex, Handler h) throws IOException {
        // errors are answered inside the exchange: a resource block would close it before a catch could reply
        try {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain", "only GET is supported\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            try {
                h.run();
            } catch (IllegalArgumentException e) {
                send(ex, 400, "text/plain", (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                send(ex, 500, "text/plain", ("internal error: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            ex.close();
        }
    }

    private static void events(HttpExchange ex, RocksReplicaStore store) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (path.startsWith("/events/") && path.length() > "/events/".length()) {
            String key = URLDecoder.decode(path.substring("/events/".length()), StandardCharsets.UTF_8);
            var event = store.get(key);
            if (event.isEmpty()) {
                send(ex, 404, "text/plain", ("no event under key " + key + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                send(ex, 200, "application/json", event.get());
            }
            return;
        }
        if (!path.equals("/events") && !path.equals("/events/")) {
            send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        int limit = DEFAULT_LIMIT;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit must be a number, got '" + q.get("limit") + "'");
            }
            if (limit < 0 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be within 0.." + MAX_LIMIT);
            }
        }
        List<StoredEvent> events = store.scan(q.get("from"), q.get("to"), limit);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (StoredEvent e : events) {
            out.write(("{\"key\":\"" + e.key() + "\",\"event\":").getBytes(StandardCharsets.US_ASCII));
            out.write(oneLine(e.event()));
            out.write("}\n".getBytes(StandardCharsets.US_ASCII));
        }
        send(ex, 200, "application/x-ndjson", out.toByteArray());
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

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!v.isEmpty()) {
                m.put(k, v);
            }
        }
        return m;
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
