package alldata.sidecar.http;

import alldata.protocol.MalformedRecordException;
import alldata.protocol.MemberRecord;
import alldata.protocol.ScanLines;
import alldata.protocol.ScanRequest;
import alldata.sidecar.membership.PeerDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests from this node to its peers' HTTP APIs: with the cluster's bearer token, over HTTPS when the peer's
 * membership record says so (trusting the configured truststore), and with a timeout on connecting, on the answer
 * and between the bytes of a streamed answer, so that a stalled peer reads as down instead of holding a read.
 *
 * <p>Uses {@link HttpURLConnection}: its read timeout bounds every read of a streamed body, which the JDK's
 * {@code HttpClient} does not offer once the headers have arrived.
 */
public final class PeerClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerClient.class);
    /** Header of a newest-events answer: the newest key the node left out of it (its own limits cut it). */
    static final String LEFT_OUT_HEADER = "AllData-Newest-Left-Out";
    /** Longest scan line read from a peer (an event and its frame). */
    private static final int MAX_LINE_BYTES = 512 << 20;
    private static final Duration WARN_EVERY = Duration.ofSeconds(30);
    private static final int MAX_FAN_OUT_THREADS = 64;
    /**
     * Peer requests waiting for a thread. A request that finds every thread busy waits its turn (a get's answer
     * returns at its first copy, and the requests to the other peers still run, so a burst of gets briefly holds more
     * than the threads); only past this many is one refused, as "could not ask".
     */
    private static final int MAX_WAITING_REQUESTS = 1024;
    /**
     * Connect timeout for a peer whose heartbeats stopped: it is asked in case it is only late with them (a busy
     * node's kernel still accepts connections at once), but a host that is gone must not hold every read for the
     * whole peer timeout.
     */
    static final int SILENT_PEER_CONNECT_MS = 1000;

    private final Optional<String> token;
    private final SSLContext ssl;
    private final int timeoutMs;
    private final ThreadPoolExecutor fanOut;
    private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

    /**
     * @param token   sent as {@code Authorization: Bearer} to every peer
     * @param ssl     trust for HTTPS peers
     * @param timeout connect timeout, and the longest wait for any read
     */
    public PeerClient(Optional<String> token, SSLContext ssl, Duration timeout) {
        this.token = token;
        this.ssl = ssl;
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        // requests to several peers run at once, on threads that end after 30 s idle
        this.fanOut = new ThreadPoolExecutor(MAX_FAN_OUT_THREADS, MAX_FAN_OUT_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_WAITING_REQUESTS), r -> {
            Thread t = new Thread(r, "alldata-http-peer");
            t.setDaemon(true);
            return t;
        });
        fanOut.allowCoreThreadTimeOut(true);
    }

    /** The longest a single peer request waits (connect, then the answer). */
    public Duration timeout() {
        return Duration.ofMillis(2L * timeoutMs);
    }

    /** Runs {@code request} on a peer-request thread; fails at once when too many are in flight. */
    public <T> CompletableFuture<T> submit(Callable<T> request) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            fanOut.execute(() -> {
                try {
                    f.complete(request.call());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IOException("more than " + (MAX_FAN_OUT_THREADS + MAX_WAITING_REQUESTS)
                    + " peer requests in flight or waiting"));
        }
        return f;
    }

    /**
     * A GET of {@code pathAndQuery} (already encoded) on {@code peer}, its status line read.
     *
     * @throws IOException when the peer cannot be reached or does not answer in time
     */
    public HttpURLConnection open(MemberRecord peer, String pathAndQuery) throws IOException {
        return open(peer, pathAndQuery, timeoutMs);
    }

    /** The connect timeout for a peer read: shorter for one whose heartbeats stopped. */
    int connectTimeoutMs(PeerDirectory.ReadPeer peer) {
        return peer.heard() ? timeoutMs : Math.min(timeoutMs, SILENT_PEER_CONNECT_MS);
    }

    private HttpURLConnection open(MemberRecord peer, String pathAndQuery, int connectTimeoutMs) throws IOException {
        if (peer.http() == null) {
            throw new IOException(peer.node() + " announces no HTTP address");
        }
        HttpURLConnection c = (HttpURLConnection) URI.create(peer.httpUrl() + pathAndQuery).toURL().openConnection();
        if (c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(ssl.getSocketFactory());
        }
        c.setConnectTimeout(connectTimeoutMs);
        c.setReadTimeout(timeoutMs);
        c.setUseCaches(false);
        c.setInstanceFollowRedirects(false);
        token.ifPresent(t -> c.setRequestProperty("Authorization", "Bearer " + t));
        try {
            c.getResponseCode();
        } catch (IOException e) {
            c.disconnect();
            throw e;
        }
        return c;
    }

    /** What a peer answered to a get. */
    sealed interface GetAnswer permits Found, Absent, FailedPut, Unavailable {
    }

    /** The peer holds the event: its exact bytes. */
    record Found(String node, byte[] event) implements GetAnswer {
    }

    /** The peer answered that it holds no event under the key. */
    record Absent(String node) implements GetAnswer {
    }

    /** The peer knows that the put of the key FAILED (HTTP 410): whatever copy it holds is not part of the data. */
    record FailedPut(String node) implements GetAnswer {
    }

    /** The peer could not be asked, or failed to answer. */
    record Unavailable(String node, String reason) implements GetAnswer {
    }

    /**
     * Asks {@code peer} for the event under {@code key} in its own store ({@code local=true}); the reason a silent
     * peer could not be asked starts with its silence.
     */
    GetAnswer get(PeerDirectory.ReadPeer readPeer, String key) {
        MemberRecord peer = readPeer.member();
        HttpURLConnection c = null;
        try {
            c = open(peer, "/events/" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "?local=true",
                    connectTimeoutMs(readPeer));
            int status = c.getResponseCode();
            if (status == 200) {
                try (InputStream in = c.getInputStream()) {
                    return new Found(peer.node(), in.readAllBytes());
                }
            }
            if (status == 404) {
                drain(c);
                return new Absent(peer.node());
            }
            if (status == 410) {
                drain(c);
                return new FailedPut(peer.node());
            }
            return unavailable(readPeer, "HTTP " + status + " " + errorLine(c));
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                c.disconnect();
            }
            return unavailable(readPeer, describe(e));
        }
    }

    /** Why {@code peer} could not be read, its silence first when its heartbeats stopped. */
    private static String reason(PeerDirectory.ReadPeer peer, String why) {
        return peer.heard() ? why : peer.silence() + "; " + why;
    }

    /**
     * Opens a scan page of {@code peer} and reads its first line. A newest-events scan that fails halfway then fails
     * the read instead of cutting the page.
     *
     * @throws IOException naming the peer when it cannot be read: the caller reads it as down
     */
    PeerScan scan(PeerDirectory.ReadPeer readPeer, ScanRequest request) throws IOException {
        MemberRecord peer = readPeer.member();
        HttpURLConnection c = open(peer, "/events?" + request.query(), connectTimeoutMs(readPeer));
        int status = c.getResponseCode();
        if (status != 200) {
            String line = errorLine(c);
            c.disconnect();
            throw new IOException("HTTP " + status + " " + line);
        }
        PeerScan s = new PeerScan(peer.node(), c, request.newest());
        try {
            s.readFirst();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A peer's node-local scan page as a merge source, read a line at a time. */
    final class PeerScan implements ScanMerge.Source, AutoCloseable {
        private final String node;
        private final HttpURLConnection connection;
        private final ScanLines.Reader reader;
        private final boolean newest;
        private final String leftOut;
        private ScanLines.Event pending;
        private boolean ended;
        private boolean complete;
        private boolean drained;

        PeerScan(String node, HttpURLConnection connection, boolean newest) throws IOException {
            this.node = node;
            this.connection = connection;
            this.newest = newest;
            this.leftOut = connection.getHeaderField(LEFT_OUT_HEADER);
            this.reader = new ScanLines.Reader(connection.getInputStream(), MAX_LINE_BYTES);
        }

        String node() {
            return node;
        }

        /** The newest key the peer left out of a newest-events answer, or null. */
        String leftOut() {
            return leftOut;
        }

        /** Reads ahead the first line: a peer that fails before giving anything reads as down. */
        void readFirst() throws IOException {
            pending = read();
        }

        @Override
        public ScanLines.Event next() {
            if (pending != null) {
                ScanLines.Event e = pending;
                pending = null;
                return e;
            }
            if (ended) {
                return null;
            }
            try {
                return read();
            } catch (IOException | MalformedRecordException e) {
                ended = true;
                complete = false;
                if (newest) {
                    throw new UncheckedIOException(new IOException(node + " failed halfway through its answer: "
                            + describe(e), e));
                }
                warn(node, "its scan page ended early (" + describe(e) + "); the page ends at its last event and the"
                        + " next page asks again");
                return null;
            }
        }

        private ScanLines.Event read() throws IOException {
            ScanLines.Line line = reader.next();
            if (line == null) {
                ended = true;
                complete = true;
                drained = true;
                return null;
            }
            if (line instanceof ScanLines.End end) {
                ended = true;
                complete = false;
                drained = atEnd();
                if (end.error() != null) {
                    warn(node, "its scan page ended early: " + end.error());
                }
                return null;
            }
            return (ScanLines.Event) line;
        }

        /** True when nothing follows the closing line (the connection can then serve another request). */
        private boolean atEnd() {
            try {
                return reader.next() == null;
            } catch (IOException | MalformedRecordException e) {
                return false;
            }
        }

        @Override
        public boolean complete() {
            return complete;
        }

        /** Closes the answer; one not read to its end also closes the connection, so that the peer stops writing. */
        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
            if (!drained) {
                connection.disconnect();
            }
        }
    }

    /** {@code peer} could not be read: the answer that says why (its silence first), logged once in a while. */
    Unavailable unavailable(PeerDirectory.ReadPeer peer, String why) {
        String reason = reason(peer, why);
        warn(peer.node(), reason);
        return new Unavailable(peer.node(), reason);
    }

    /** Logs that a peer could not be read, at most once per peer every 30 s (a down node fails every read). */
    void warn(String node, String reason) {
        long now = System.nanoTime();
        Long last = lastWarned.get(node);
        if (last == null || now - last > WARN_EVERY.toNanos()) {
            lastWarned.put(node, now);
            log.warn("cluster read: peer {} could not be read: {}{}", node, reason, reason.contains("HTTP 401")
                    ? " (every node of the cluster needs the same http.auth.token)" : "");
        } else {
            log.debug("cluster read: peer {} could not be read: {}", node, reason);
        }
    }

    /** The first line of an error answer's body, for the log and the caller's message. */
    private static String errorLine(HttpURLConnection c) {
        try (InputStream err = c.getErrorStream()) {
            if (err == null) {
                return "";
            }
            String body = new String(err.readNBytes(300), StandardCharsets.UTF_8).strip();
            int nl = body.indexOf('\n');
            return nl < 0 ? body : body.substring(0, nl);
        } catch (IOException e) {
            return "";
        }
    }

    private static void drain(HttpURLConnection c) {
        try (InputStream err = c.getErrorStream()) {
            if (err != null) {
                err.readAllBytes(); // so that the connection can be reused
            }
        } catch (IOException e) {
            c.disconnect();
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void close() {
        fanOut.shutdownNow();
    }
}
