package alldata.sidecar.http;

import alldata.sidecar.peers.PeerRequests;
import alldata.http.NodeClient;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.ReplicaReads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sidecar's HTTP API (HTTPS when given a keystore):
 * <ul>
 *   <li>{@code GET /events/{key}}: the event's exact bytes from any node that holds it ({@link EventReads});
 *       {@code ?local=true} this node's store only;</li>
 *   <li>{@code GET /events?from=&to=&limit=&cursor=&newest=&local=}: JSON lines in key (time) order with
 *       {@code from <= key < to}, merged from every live node, in pages that end with {@code {"next":…}} while
 *       more remain;</li>
 *   <li>{@code GET /health/live}: 200 while the process serves HTTP (a failing disk does not change it);</li>
 *   <li>{@code GET /health/ready} and its alias {@code GET /health}: 200 when the node can take work, else
 *       503; the body says why in one line;</li>
 *   <li>{@code GET /metrics}: Prometheus text.</li>
 * </ul>
 * HEAD of each answers like GET without a body; other methods get 405, other paths 404. Other concerns add their
 * own paths with {@link #mount} (repair: {@code /repair/…}, {@code /admin/decommission}). With a token, every
 * request but {@code /health/live} needs {@code Authorization: Bearer <token>}, else 401.
 *
 * <p>Threads: the server's own threads answer health, metrics and gets of this node's store, and hand scans and
 * cluster reads to two bounded pools (node-local scans, and reads that ask peers), so that neither a long scan
 * nor a slow peer keeps a health check or a peer's request waiting.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final String PATHS = "/events/{key}, /events?from=&to=&limit=&cursor=&newest=&local=, /health/live, "
            + "/health/ready, /metrics, /repair/status, /repair/holds, /repair/digests, /repair/keys, /repair/events,"
            + " /admin/decommission";
    private static final int SERVER_THREADS = 4;
    /** Reads waiting for a thread, per read thread, before the next one gets 503. */
    private static final int QUEUE_PER_THREAD = 8;

    /** The JDK HTTP server's switch for TCP_NODELAY on the connections it accepts. */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server flushes a response's headers before its body; with Nagle's algorithm a small body then waits
        // for the client's delayed ACK: about 40 ms per request, every get and every peer fan-out (measured: 50 ms
        // per get of a held key, 1-4 ms with it). The server reads the switch once, when the JVM's first one starts,
        // so it is set here, before this class creates one, unless the operator set it.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final HttpServer server;
    private final Optional<byte[]> token;
    private final Supplier<Health> readiness;
    private final Supplier<String> metrics;
    private final PeerRequests peers;
    private final ThreadPoolExecutor localScans;
    private final ThreadPoolExecutor clusterReads;
    private final EventReads events;
    private final String advertised;
    private final boolean https;

    /**
     * Starts serving plain HTTP on {@code bind:port} (port 0 picks a free one), reading this node's store alone.
     *
     * @param readiness what {@code /health/ready} reports
     * @param metrics   the Prometheus text of {@code /metrics}
     * @throws BindException naming the address when the port is taken
     */
    public HttpApi(String bind, int port, ReplicaReads store, Supplier<Health> readiness, Supplier<String> metrics)
            throws IOException {
        this(HttpOptions.plain(bind, port), store, null, readiness, metrics);
    }

    /**
     * Starts serving as {@code options} say.
     *
     * @param directory the membership view, whose readable peers cluster reads ask; null: this node alone
     * @param readiness what {@code /health/ready} reports
     * @param metrics   the Prometheus text of {@code /metrics}
     * @throws BindException            naming the address when the port is taken
     * @throws IllegalArgumentException when the keystore or truststore cannot be used
     */
    public HttpApi(HttpOptions options, ReplicaReads store, PeerDirectory directory, Supplier<Health> readiness,
                   Supplier<String> metrics) throws IOException {
        // TLS first, then the port: a keystore that cannot be used leaves no server bound
        SSLContext serverTls = options.keystore().map(HttpTls::server).orElse(null);
        SSLContext peerTls = HttpTls.client(options.truststore());
        this.server = bind(options, serverTls);
        this.readiness = readiness;
        this.metrics = metrics;
        this.token = options.token().map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.https = options.https();
        this.peers = new PeerRequests(new NodeClient(options.token(), peerTls, options.peerTimeout(),
                options.peerTimeout()));
        this.localScans = pool("alldata-http-scan-" + options.port(), options.readThreads());
        this.clusterReads = pool("alldata-http-cluster-" + options.port(), options.readThreads());
        String selfId = directory == null ? "this node" : directory.selfId();
        Supplier<List<PeerDirectory.ReadPeer>> readable = directory == null ? List::of : directory::readPeers;
        this.events = new EventReads(selfId, store, readable, new PeerReads(peers), options.maxPageBytes(), localScans,
                clusterReads);
        server.setExecutor(Executors.newFixedThreadPool(SERVER_THREADS, r -> {
            Thread t = new Thread(r, "alldata-http-" + options.port());
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
        this.advertised = options.advertised().orElseGet(() -> advertisedDefault(server.getAddress()));
    }

    private static HttpServer bind(HttpOptions options, SSLContext tls) throws IOException {
        InetSocketAddress address = new InetSocketAddress(options.bind(), options.port());
        try {
            if (tls == null) {
                return HttpServer.create(address, 64);
            }
            HttpsServer s = HttpsServer.create(address, 64);
            s.setHttpsConfigurator(new HttpsConfigurator(tls));
            return s;
        } catch (BindException e) {
            BindException clear = new BindException("HTTP port " + options.port() + " on " + options.bind()
                    + " is already in use (" + e.getMessage() + "): stop what holds it or choose another port");
            clear.initCause(e);
            throw clear;
        }
    }

    /** A fixed pool with a short queue: past it a read is refused (503) rather than waiting without bound. */
    private static ThreadPoolExecutor pool(String name, int threads) {
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /** The bound address, or this host's name when bound to a wildcard address, which peers cannot connect to. */
    private static String advertisedDefault(InetSocketAddress bound) {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return bound.getHostString() + ":" + bound.getPort();
        }
        try {
            String host = InetAddress.getLocalHost().getHostName();
            log.warn("HTTP is bound to {}, which peers cannot connect to; announcing {}:{} instead (set"
                    + " http.advertised.address to choose)", bound.getHostString(), host, bound.getPort());
            return host + ":" + bound.getPort();
        } catch (UnknownHostException e) {
            log.warn("HTTP is bound to {} and this host has no name to announce; set http.advertised.address, or peers"
                    + " cannot read from this node", bound.getHostString());
            return bound.getHostString() + ":" + bound.getPort();
        }
    }

    /**
     * Serves the paths under {@code prefix} (e.g. {@code /repair}) with {@code handler}, behind the same bearer
     * token as every other endpoint: a concern with its own endpoints keeps them in its own handler class.
     */
    public void mount(String prefix, HttpHandler handler) {
        server.createContext(prefix, ex -> {
            if (authorized(ex)) {
                handler.handle(ex);
                return;
            }
            Exchanges.answer(ex, () -> {
                unauthorized(ex);
                return true;
            });
        });
    }

    /** The address peers and clients use, {@code host:port} (announced in the membership record). */
    public String address() {
        return advertised;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * This node's requests to its peers (the token, the configured truststore, else the JDK's trust, and
     * {@code http.peer.timeout.ms}): cluster reads use them, and repair too.
     */
    public PeerRequests peers() {
        return peers;
    }

    /** Whether this API speaks HTTPS. */
    public boolean https() {
        return https;
    }

    private void handle(HttpExchange ex) {
        String path = ex.getRequestURI().getRawPath();
        Exchanges.answer(ex, () -> {
            if (!path.equals("/health/live") && !authorized(ex)) {
                unauthorized(ex);
                return true;
            }
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                Replies.text(ex, 405, "method " + method + " not allowed: only GET and HEAD");
                return true;
            }
            return route(ex, path);
        });
    }

    /** @return false when the read was handed to another thread, which answers and closes it */
    private boolean route(HttpExchange ex, String path) throws IOException {
        if (path.equals("/events") || path.equals("/events/")) {
            events.scan(ex, QueryParameters.parse(ex.getRequestURI().getRawQuery()));
            return false;
        }
        if (path.startsWith("/events/")) {
            events.get(ex, URLDecoder.decode(path.substring("/events/".length()), StandardCharsets.UTF_8),
                    QueryParameters.parse(ex.getRequestURI().getRawQuery()));
            return false;
        }
        switch (path) {
            case "/health/live" -> Replies.text(ex, 200, "live");
            case "/health", "/health/ready" -> {
                Health h = readiness.get();
                Replies.text(ex, h.healthy() ? 200 : 503, h.detail());
            }
            case "/metrics" -> Replies.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.get().getBytes(StandardCharsets.UTF_8));
            default -> Replies.text(ex, 404, "no resource at " + path + "; there are " + PATHS);
        }
        return true;
    }

    private static void unauthorized(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"alldata\"");
        Replies.text(ex, 401, "missing or wrong bearer token: send Authorization: Bearer <http.auth.token>");
    }

    /** True without a token, or when the request carries it (compared in constant time). */
    private boolean authorized(HttpExchange ex) {
        if (token.isEmpty()) {
            return true;
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token.get(), header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        localScans.shutdownNow();
        clusterReads.shutdownNow();
        peers.close();
    }
}
