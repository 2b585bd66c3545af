package alldata.client;

import alldata.http.NodeAddress;
import alldata.http.NodeAnswer;
import alldata.http.NodeClient;
import alldata.http.NodeRequest;
import alldata.http.NodeUnreachableException;
import alldata.protocol.GetRequest;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.ScanLines;
import alldata.protocol.ScanRequest;
import alldata.protocol.UnreachableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads events through one node's HTTP API, which answers for the whole cluster: a get by key, and scans page by
 * page, each page streamed a line at a time (never held whole), following the cursors when asked.
 *
 * <p>Requests go through a {@link NodeClient} (its token, trust and timeouts): a stalled node fails a read instead
 * of holding it; a node that cannot be connected to fails with an {@link UnreachableException} naming its address.
 */
public final class HttpReader {
    /** Longest scan line read (an event and its frame). */
    private static final int MAX_LINE_BYTES = 512 << 20;

    private final NodeClient client;
    private final String base;
    private final String hint;

    /**
     * A reader with the JDK's default trust for HTTPS.
     *
     * @param address {@code host:port} (plain HTTP), or a URL {@code http://host:port} / {@code https://host:port}
     * @param token   the cluster's {@code http.auth.token}, if it has one
     * @param timeout for connecting and for each read of an answer
     */
    public HttpReader(String address, Optional<String> token, Duration timeout) {
        this(NodeClient.withDefaultTrust(token, timeout, timeout), address, "");
    }

    /**
     * @param client  the client that asks the node
     * @param address {@code host:port} (plain HTTP), or a URL {@code http://host:port} / {@code https://host:port}
     * @param hint    where {@code address} is set, ending the message when the node cannot be reached (e.g.
     *                "check --http"); empty for none
     * @throws IllegalArgumentException when {@code address} is no HTTP address
     */
    public HttpReader(NodeClient client, String address, String hint) {
        this.client = Objects.requireNonNull(client, "client");
        this.base = NodeAddress.baseUrl(address); // a clear error now for an address that is no URL
        this.hint = Objects.requireNonNull(hint, "hint");
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
        try (NodeAnswer a = send(NodeRequest.get(new GetRequest(key, local).pathAndQuery()))) {
            if (a.status() == 200) {
                return a.bytes();
            }
            String why = a.text();
            if (a.status() == 404) {
                throw new EventNotFoundException(why);
            }
            if (a.status() == 410) {
                throw new PutFailedException(why);
            }
            throw new IOException("HTTP " + a.status() + " from " + base + ": " + why);
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
        try (NodeAnswer a = send(NodeRequest.get(request.pathAndQuery()))) {
            if (a.status() != 200) {
                throw new IOException("HTTP " + a.status() + " from " + base + ": " + a.text());
            }
            int events = 0;
            String unavailable = a.header(ScanLines.NODES_UNAVAILABLE_HEADER).orElse(null);
            try (ScanLines.Reader r = new ScanLines.Reader(a.body(), MAX_LINE_BYTES)) {
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
        }
    }

    /**
     * The node's answer to {@code request}.
     *
     * @throws UnreachableException when the node cannot be connected to, naming its address and where it is set
     */
    private NodeAnswer send(NodeRequest request) throws IOException {
        try {
            return client.send(base, request);
        } catch (NodeUnreachableException e) {
            throw new UnreachableException("cannot reach the sidecar's HTTP API at " + base + ": " + e.getMessage()
                    + (hint.isEmpty() ? "" : "; " + hint), base, e);
        }
    }
}
