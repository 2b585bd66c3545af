package alldata.sidecar.http;

import alldata.sidecar.peers.PeerRequests;
import alldata.core.Clock;
import alldata.http.NodeAnswer;
import alldata.http.NodeRequest;
import alldata.http.NodeUnreachableException;
import alldata.protocol.GetRequest;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MemberRecord;
import alldata.protocol.ScanLines;
import alldata.protocol.ScanRequest;
import alldata.sidecar.membership.PeerDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a cluster read asks this node's peers, through {@link PeerRequests}: a get of one key and the pages of a
 * scan, both node-local on the peer ({@code local=true}, so that a request fans out once). A peer whose heartbeats
 * stopped is asked with a short connect timeout; a peer that cannot be read is logged once in a while and named
 * in the answer.
 */
final class PeerReads {
    private static final Logger log = LoggerFactory.getLogger(PeerReads.class);
    /** Header of a newest-events answer: the newest key the node left out of it (its own limits cut it). */
    static final String LEFT_OUT_HEADER = "AllData-Newest-Left-Out";
    /** Longest scan line read from a peer (an event and its frame). */
    private static final int MAX_LINE_BYTES = 512 << 20;
    private static final Duration WARN_EVERY = Duration.ofSeconds(30);

    private final PeerRequests requests;
    private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

    PeerReads(PeerRequests requests) {
        this.requests = requests;
    }

    /** The longest a single peer request waits (connect, then the answer). */
    Duration timeout() {
        return requests.timeout();
    }

    /** Runs {@code request} on a peer-request thread; fails at once when too many are in flight. */
    <T> CompletableFuture<T> submit(Callable<T> request) {
        return requests.submit(request);
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

    /** The answer of {@code peer} to {@code request}, from its HTTP address. */
    private NodeAnswer send(PeerDirectory.ReadPeer peer, NodeRequest request) throws IOException {
        MemberRecord m = peer.member();
        if (m.http() == null) {
            throw new IOException(m.node() + " announces no HTTP address");
        }
        return requests.client(peer.heard()).send(m.httpUrl(), request);
    }

    /**
     * Asks {@code peer} for the event under {@code key} in its own store ({@code local=true}); the reason a silent
     * peer could not be asked starts with its silence.
     */
    GetAnswer get(PeerDirectory.ReadPeer peer, String key) {
        try (NodeAnswer a = send(peer, NodeRequest.get(new GetRequest(key, true).pathAndQuery()))) {
            return switch (a.status()) {
                case 200 -> new Found(peer.node(), a.bytes());
                case 404 -> drained(a, new Absent(peer.node()));
                case 410 -> drained(a, new FailedPut(peer.node()));
                default -> unavailable(peer, "HTTP " + a.status() + " " + a.firstLine());
            };
        } catch (IOException | RuntimeException e) {
            return unavailable(peer, describe(e));
        }
    }

    /** {@code answer}, once the peer's few words are read, so that the connection serves the next request. */
    private static GetAnswer drained(NodeAnswer a, GetAnswer answer) throws IOException {
        a.text();
        return answer;
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
    PeerScan scan(PeerDirectory.ReadPeer peer, ScanRequest request) throws IOException {
        NodeAnswer a = send(peer, NodeRequest.get(request.pathAndQuery()));
        try {
            if (a.status() != 200) {
                throw new IOException("HTTP " + a.status() + " " + a.firstLine());
            }
            PeerScan s = new PeerScan(peer.node(), a, request.newest());
            s.readFirst();
            return s;
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** A peer's node-local scan page as a merge source, read a line at a time. */
    final class PeerScan implements ScanMerge.Source, AutoCloseable {
        private final String node;
        private final NodeAnswer answer;
        private final ScanLines.Reader reader;
        private final boolean newest;
        private final String leftOut;
        private ScanLines.Event pending;
        private boolean ended;
        private boolean complete;

        PeerScan(String node, NodeAnswer answer, boolean newest) {
            this.node = node;
            this.answer = answer;
            this.newest = newest;
            this.leftOut = answer.header(LEFT_OUT_HEADER).orElse(null);
            this.reader = new ScanLines.Reader(answer.body(), MAX_LINE_BYTES);
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
                return null;
            }
            if (line instanceof ScanLines.End end) {
                ended = true;
                complete = false;
                readToTheEnd();
                if (end.error() != null) {
                    warn(node, "its scan page ended early: " + end.error());
                }
                return null;
            }
            return (ScanLines.Event) line;
        }

        /** Reads past the closing line to the end of the answer, so that its connection can serve another request. */
        private void readToTheEnd() {
            try {
                reader.next();
            } catch (IOException | MalformedRecordException e) {
                // the connection closes with the answer
            }
        }

        @Override
        public boolean complete() {
            return complete;
        }

        /**
         * Closes the answer: one read to its end leaves the connection for another request, one not read to its end
         * closes it, so that the peer stops writing.
         */
        @Override
        public void close() {
            answer.close();
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
        long now = Clock.SYSTEM.nanoTime();
        Long last = lastWarned.get(node);
        if (last == null || now - last > WARN_EVERY.toNanos()) {
            lastWarned.put(node, now);
            log.warn("cluster read: peer {} could not be read: {}{}", node, reason, reason.contains("HTTP 401")
                    ? " (every node of the cluster needs the same http.auth.token)" : "");
        } else {
            log.debug("cluster read: peer {} could not be read: {}", node, reason);
        }
    }

    /** A failure in a few words: what the class says, and its message ("cannot connect: ..." when it could not). */
    static String describe(Throwable e) {
        if (e instanceof NodeUnreachableException) {
            return "cannot connect: " + e.getMessage();
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
