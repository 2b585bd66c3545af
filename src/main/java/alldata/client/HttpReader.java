package alldata.client;

import alldata.protocol.MalformedRecordException;
import alldata.protocol.ScanLines;
import alldata.protocol.ScanRequest;
import alldata.protocol.UnreachableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads events through one node's HTTP API, which answers for the whole cluster: a get by key, and scans page by
 * page, each page streamed a line at a time (never held whole), following the cursors when asked.
 *
 * <p>HTTPS uses the JDK's default trust ({@code -Djavax.net.ssl.trustStore=…} to add one); with a token every
 * request carries {@code Authorization: Bearer <token>}. Connecting and every read of an answer time out, so a
 * stalled node fails a read instead of holding it; a node that cannot be connected to fails with an
 * {@link UnreachableException} naming its address.
 */
public final class HttpReader {
    /** Longest scan line read (an event and its frame). */
    private static final int MAX_LINE_BYTES = 512 << 20;

    private final String base;
    private final Optional<String> token;
    private final Duration connectTimeout;
    private final int readTimeoutMs;
    private final String hint;

    /**
     * @param address {@code host:port} (plain HTTP), or a URL {@code http://host:port} / {@code https://host:port}
     * @param token   the cluster's {@code http.auth.token}, if it has one
     * @param timeout for connecting and for each read of an answer
     */
    public HttpReader(String address, Optional<String> token, Duration timeout) {
        this(address, token, timeout, timeout, "");
    }

    /**
     * @param address        {@code host:port} (plain HTTP), or a URL {@code http://host:port} / {@code https://host:port}
     * @param token          the cluster's {@code http.auth.token}, if it has one
     * @param connectTimeout how long to wait for the node to accept a connection
     * @param readTimeout    how long to wait for each read of an answer
     * @param hint           where {@code address} is set, ending the message when the node cannot be reached (e.g.
     *                       "check --http"); empty for none
     */
    public HttpReader(String address, Optional<String> token, Duration connectTimeout, Duration readTimeout, String hint) {
        Objects.requireNonNull(address, "address");
        String a = address.strip();
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        this.base = a.startsWith("http://") || a.startsWith("https://") ? a : "http://" + a;
        this.token = Objects.requireNonNull(token, "token").filter(t -> !t.isBlank());
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.readTimeoutMs = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
        this.hint = Objects.requireNonNull(hint, "hint");
        URI.create(base); // a clear error now for an address that is no URL
    }

    /** The node's base URL. */
    public String base() {
        return base;
    }

    /** No live node holds an event under the key (404); the message is the node's, saying how many nodes it asked. */
    public static class EventNotFoundException extends IOException {
        private static final long serialVersionUID = 1L;

        EventNotFoundException(String message) {
            super(message);
        }
    }

    /**
     * The put of the key FAILED (410): the key has no event in the data, although a node may still hold a FAILED copy.
     * Callers that only care whether the event exists treat it as not found.
     */
    public static final class PutFailedException extends EventNotFoundException {
        private static final long serialVersionUID = 1L;

        PutFailedException(String message) {
            super(message);
        }
    }

    /**
     * The event under {@code key} exactly as stored.
     *
     * @param local only the node's own store
     * @throws EventNotFoundException when no live node holds it (404), or as {@link PutFailedException} when its put
     *                                FAILED (410)
     * @throws IOException            with the node's explanation for any other answer (400 for a bad key, 503 when
     *                                a node that may hold it could not be asked, …)
     * @throws UnreachableException   when the node cannot be connected to
     */
    public byte[] get(String key, boolean local) throws IOException {
        HttpURLConnection c = open("/events/" + URLEncoder.encode(key, StandardCharsets.UTF_8) + (local ? "?local=true" : ""));
        try {
            int status = c.getResponseCode();
            if (status == 200) {
                try (InputStream in = c.getInputStream()) {
                    return in.readAllBytes();
                }
            }
            String why = errorBody(c);
            if (status == 404) {
                throw new EventNotFoundException(why);
            }
            if (status == 410) {
                throw new PutFailedException(why);
            }
            throw new IOException("HTTP " + status + " from " + base + ": " + why);
        } finally {
            c.disconnect();
        }
    }

    /** Receives a scan's events in key order. */
    public interface EventSink {
        void accept(ScanLines.Event event) throws IOException;
    }

    /**
     * How a page ended.
     *
     * @param events      events it held
     * @param next        the cursor of the next page, or null after the last
     * @param error       why the page ended early (a node failed halfway), or null
     * @param unavailable the members the node could not read for this page, each with why, or null when it read
     *                    every member: events only they hold are missing from the page
     */
    public record Page(int events, String next, String error, String unavailable) {
    }

    /**
     * Reads one page (from the request's cursor, or the start of the range without one), handing each event to
     * {@code sink} as it arrives.
     *
     * @throws IOException when the node refuses the scan or the answer breaks off; events handed over before stay
     *                     handed over
     */
    public Page page(ScanRequest request, EventSink sink) throws IOException {
        HttpURLConnection c = open("/events?" + request.query());
        try {
            int status = c.getResponseCode();
            if (status != 200) {
                throw new IOException("HTTP " + status + " from " + base + ": " + errorBody(c));
            }
            int events = 0;
            String unavailable = c.getHeaderField(ScanLines.NODES_UNAVAILABLE_HEADER);
            try (ScanLines.Reader r = new ScanLines.Reader(c.getInputStream(), MAX_LINE_BYTES)) {
                for (ScanLines.Line l = r.next(); l != null; l = r.next()) {
                    if (l instanceof ScanLines.End end) {
                        return new Page(events, end.next(), end.error(), unavailable);
                    }
                    sink.accept((ScanLines.Event) l);
                    events++;
                }
            } catch (MalformedRecordException e) {
                throw new IOException("unreadable scan answer from " + base + ": " + e.getMessage(), e);
            }
            return new Page(events, null, null, unavailable);
        } finally {
            c.disconnect();
        }
    }

    /**
     * A connection to the node, connected.
     *
     * @throws UnreachableException when the node cannot be connected to, naming its address and where it is set
     */
    private HttpURLConnection open(String pathAndQuery) throws IOException {
        URI uri = URI.create(base + pathAndQuery);
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        c.setReadTimeout(readTimeoutMs);
        c.setUseCaches(false);
        token.ifPresent(t -> c.setRequestProperty("Authorization", "Bearer " + t));
        try {
            c.connect();
        } catch (IOException e) {
            String why = ConnectFailure.reason(e, uri.getHost(), connectTimeout).orElse(null);
            if (why == null) {
                throw e; // connected, but e.g. the TLS handshake failed: the JDK's words say which
            }
            throw new UnreachableException("cannot reach the sidecar's HTTP API at " + base + ": " + why
                    + (hint.isEmpty() ? "" : "; " + hint), base, e);
        }
        return c;
    }

    private static String errorBody(HttpURLConnection c) {
        try (InputStream err = c.getErrorStream()) {
            return err == null ? "" : new String(err.readNBytes(2000), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
