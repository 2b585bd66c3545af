package alldata.sidecar.http;

import alldata.core.Clock;
import alldata.core.AllDataKey;
import alldata.protocol.ScanLines;
import alldata.protocol.ScanLines.Event;
import alldata.protocol.ScanRequest;
import alldata.sidecar.http.PeerReads.Absent;
import alldata.sidecar.http.PeerReads.Found;
import alldata.sidecar.http.PeerReads.GetAnswer;
import alldata.sidecar.http.PeerReads.PeerScan;
import alldata.sidecar.http.PeerReads.Unavailable;
import alldata.sidecar.membership.PeerDirectory.ReadPeer;
import alldata.store.EventRange;
import alldata.store.ReplicaReads;
import alldata.store.StoreException;
import alldata.store.StoredEvent;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events/{key}} and {@code GET /events?…}: reads that answer for the whole cluster, or with
 * {@code local=true} for this node's store alone (what nodes ask each other, so a request fans out once).
 *
 * <ul>
 *   <li>A get answers from the local store, else asks every other member at once and returns the first copy
 *       found, bytes exactly as stored; 404 only when every member answered that it holds none; 503 when none
 *       had it but some could not be asked. Members whose heartbeats stopped are asked too: a node that is only
 *       late with its heartbeats still answers, and one that is down may hold the only copy, so its silence is
 *       no evidence that the event does not exist. A key whose put FAILED is answered 410 (Gone) as soon as this
 *       node knows it FAILED, and when no member had a copy that is not FAILED but one knows it FAILED: a FAILED
 *       copy is never returned.</li>
 *   <li>A scan merges this node's range with every other member's (their pages read as streams, a line at a
 *       time), each key once and in order ({@link ScanMerge}), and streams the page as it goes; a page after
 *       which more remain ends with {@code {"next":"<cursor>"}}; the members that could not be read are named in
 *       a header.</li>
 *   <li>{@code newest=true}: the newest {@code limit} events of the range across the cluster, one page.</li>
 * </ul>
 */
final class EventReads {
    private static final Logger log = LoggerFactory.getLogger(EventReads.class);
    static final String NODE_HEADER = "AllData-Node";
    static final String NODES_READ_HEADER = "AllData-Nodes-Read";
    static final String UNAVAILABLE_HEADER = ScanLines.NODES_UNAVAILABLE_HEADER;

    private final String selfId;
    private final ReplicaReads store;
    private final Supplier<List<ReadPeer>> peers;
    private final PeerReads peerReads;
    private final long maxPageBytes;
    private final Executor localScans;
    private final Executor clusterReads;

    /**
     * @param peers        the peers to ask (every member but this node), fresh for each read
     * @param localScans   where node-local scans run (they never wait on another node)
     * @param clusterReads where reads that ask peers run: apart from the local ones, so that a node busy with
     *                     cluster reads still answers its peers' local ones, and no two nodes wait on each other
     */
    EventReads(String selfId, ReplicaReads store, Supplier<List<ReadPeer>> peers, PeerReads peerReads,
               long maxPageBytes, Executor localScans, Executor clusterReads) {
        this.selfId = selfId;
        this.store = store;
        this.peers = peers;
        this.peerReads = peerReads;
        this.maxPageBytes = maxPageBytes;
        this.localScans = localScans;
        this.clusterReads = clusterReads;
    }

    // -------------------------------------------------------------------------------------------- get

    /** Answers (or hands on) a get; the exchange is closed by whoever answers it. */
    void get(HttpExchange ex, String key, Map<String, String> query) {
        Exchanges.answer(ex, () -> {
            for (String name : query.keySet()) {
                if (!name.equals("local")) {
                    throw new IllegalArgumentException("unknown parameter '" + name + "': a get takes only local");
                }
            }
            boolean local = ScanQuery.flag(query, "local");
            if (!AllDataKey.isValid(key)) {
                AllDataKey.parse(key); // throws the IllegalArgumentException that says what is wrong (a 400)
            }
            if (store.isFailed(key)) {
                ex.getResponseHeaders().set(NODE_HEADER, selfId);
                Replies.text(ex, 410, failedText(key, selfId));
                return true;
            }
            Optional<byte[]> here = store.get(key);
            if (here.isPresent()) {
                ex.getResponseHeaders().set(NODE_HEADER, selfId);
                Replies.send(ex, 200, Replies.JSON, here.get());
                return true;
            }
            List<ReadPeer> asked = local ? List.of() : peers.get();
            if (asked.isEmpty()) {
                Replies.text(ex, 404, "no event under key " + key + (local ? " on this node"
                        : " on the only node of the cluster (" + selfId + ")"));
                return true;
            }
            return Exchanges.dispatch(ex, clusterReads, () -> {
                getFromPeers(ex, key, asked);
                return true;
            });
        });
    }

    private void getFromPeers(HttpExchange ex, String key, List<ReadPeer> asked) throws IOException {
        Map<ReadPeer, CompletableFuture<GetAnswer>> answers = new LinkedHashMap<>();
        for (ReadPeer peer : asked) {
            answers.put(peer, peerReads.submit(() -> peerReads.get(peer, key))
                    .exceptionally(e -> peerReads.unavailable(peer, PeerReads.describe(e))));
        }
        CompletableFuture<Found> first = firstFound(List.copyOf(answers.values()));
        Found found;
        try {
            found = first.get(peerReads.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            found = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking peers for " + key, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        if (found != null) {
            ex.getResponseHeaders().set(NODE_HEADER, found.node());
            Replies.send(ex, 200, Replies.JSON, found.event());
            return;
        }
        List<String> absent = new ArrayList<>(List.of(selfId));
        List<String> unavailable = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        List<String> knowFailed = new ArrayList<>();
        answers.forEach((peer, a) -> {
            GetAnswer answer = a.getNow(null);
            if (answer == null) {
                answer = peerReads.unavailable(peer, "no answer within " + peerReads.timeout().toMillis() + " ms");
            }
            if (answer instanceof Absent) {
                absent.add(peer.node());
            } else if (answer instanceof PeerReads.FailedPut) {
                knowFailed.add(peer.node());
            } else if (answer instanceof Unavailable u) {
                unavailable.add(peer.node() + " (" + u.reason() + ")");
                if (!peer.heard()) {
                    silent.add(peer.node());
                }
            }
        });
        int n = asked.size() + 1;
        if (!knowFailed.isEmpty()) {
            ex.getResponseHeaders().set(NODE_HEADER, knowFailed.get(0));
            Replies.text(ex, 410, failedText(key, String.join(", ", knowFailed)));
        } else if (unavailable.isEmpty()) {
            Replies.text(ex, 404, "no event under key " + key + " on any of the " + n + " nodes asked ("
                    + String.join(", ", absent) + ")");
        } else {
            ex.getResponseHeaders().set("Retry-After", "1");
            Replies.text(ex, 503, "no event under key " + key + " on the " + absent.size() + " of " + n
                    + " nodes that answered; could not ask " + String.join(", ", unavailable)
                    + ", which may hold it: retry" + (silent.isEmpty() ? "" : "; a node that is gone for good stops"
                    + " counting once its membership is dropped (alldata peers drop " + String.join(" / ", silent) + ")"));
        }
    }

    /** The body of a 410: the put FAILED, so the key has no event in the data, whatever copies remain. */
    private static String failedText(String key, String knownOn) {
        return "the put of key " + key + " FAILED (known on " + knownOn + "): it is not part of the data; its outcome "
                + "on the results topic says FAILED, and a copy a node may still hold is never returned";
    }

    /**
     * The first copy any of {@code answers} finds, as soon as one does; {@code null} once all answered without one.
     * The end of all answers is judged from the answers themselves: when the last answer is the one that found the
     * event, "all answered" and "one found" happen together, and the copy must win.
     */
    static CompletableFuture<Found> firstFound(List<CompletableFuture<GetAnswer>> answers) {
        CompletableFuture<Found> first = new CompletableFuture<>();
        for (CompletableFuture<GetAnswer> a : answers) {
            a.thenAccept(answer -> {
                if (answer instanceof Found f) {
                    first.complete(f);
                }
            });
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            for (CompletableFuture<GetAnswer> a : answers) {
                if (a.getNow(null) instanceof Found f) {
                    first.complete(f);
                    return;
                }
            }
            first.complete(null);
        });
        return first;
    }

    // ------------------------------------------------------------------------------------------- scan

    /** Answers (or hands on) a scan; the exchange is closed by whoever answers it. */
    void scan(HttpExchange ex, Map<String, String> query) {
        Exchanges.answer(ex, () -> {
            ScanQuery q = ScanQuery.parse(query);
            if (q.limit() == 0) {
                Replies.send(ex, 200, Replies.JSON_LINES, new byte[0]);
                return true;
            }
            Executor pool = q.local() ? localScans : clusterReads;
            return Exchanges.dispatch(ex, pool, () -> {
                if (q.newest()) {
                    newest(ex, q);
                } else {
                    page(ex, q);
                }
                return true;
            });
        });
    }

    private ScanMerge.Limits limits(ScanQuery q) {
        return new ScanMerge.Limits(q.limit(), maxPageBytes);
    }

    /** One page of the range after the cursor, streamed. */
    private void page(HttpExchange ex, ScanQuery q) throws IOException {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            List<ScanMerge.Source> sources = new ArrayList<>();
            StoreSource local = new StoreSource(store.range(q.lowerBound(), q.to(), false), !q.local());
            open.add(local);
            sources.add(local);
            if (!q.local()) {
                for (PeerScan p : openPeerScans(ex, q)) {
                    open.add(p);
                    sources.add(p);
                }
            }
            Replies.StreamedBody body = new Replies.StreamedBody(ex, Replies.JSON_LINES);
            String[] lastSent = {null};
            ScanMerge.PageEnd end;
            try {
                end = ScanMerge.page(sources, q.after(), limits(q), e -> {
                    ScanLines.writeEvent(body, e.key(), e.event());
                    lastSent[0] = e.key();
                });
            } catch (RuntimeException e) {
                if (!body.started()) {
                    throw e; // nothing sent yet: a 500 says it
                }
                // the status is out: the page ends with the failure and the cursor after its last event, never
                // silently (closing the body alone would look like the end of the range)
                log.warn("scan page of {} ended early after key {}: {}", selfId, lastSent[0], e.toString());
                body.write(ScanLines.endLine(ScanCursor.after(lastSent[0]), "read of " + selfId + " failed: " + e));
                body.finish();
                return;
            }
            if (end.more()) {
                body.write(ScanLines.endLine(ScanCursor.after(end.lastKey()), null));
            }
            body.finish();
        } finally {
            closeAll(open);
        }
    }

    /** The newest events of the range: one page, held in memory (bounded by the page's limits) before it is sent. */
    private void newest(HttpExchange ex, ScanQuery q) throws IOException {
        ScanMerge.Limits limits = limits(q);
        LocalNewest local = localNewest(q, limits);
        List<Event> events;
        if (q.local()) {
            events = local.events();
            if (local.leftOut() != null) {
                ex.getResponseHeaders().set(PeerReads.LEFT_OUT_HEADER, local.leftOut());
            }
        } else {
            List<AutoCloseable> open = new ArrayList<>();
            try {
                List<ScanMerge.Source> sources = new ArrayList<>(List.of(new ListSource(local.events())));
                List<String> leftOut = new ArrayList<>();
                if (local.leftOut() != null) {
                    leftOut.add(local.leftOut());
                }
                for (PeerScan p : openPeerScans(ex, q)) {
                    open.add(p);
                    sources.add(p);
                    if (p.leftOut() != null) {
                        leftOut.add(p.leftOut());
                    }
                }
                events = ScanMerge.newest(sources, leftOut, limits);
            } catch (UncheckedIOException e) {
                ex.getResponseHeaders().set("Retry-After", "1");
                Replies.text(ex, 502, "newest events not read: " + e.getCause().getMessage() + "; retry");
                return;
            } finally {
                closeAll(open);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Event e : events) {
            ScanLines.writeEvent(out, e.key(), e.event());
        }
        Replies.send(ex, 200, Replies.JSON_LINES, out.toByteArray());
    }

    /** This node's newest events of the range within the limits, and the newest key they left out. */
    private record LocalNewest(List<Event> events, String leftOut) {
    }

    private LocalNewest localNewest(ScanQuery q, ScanMerge.Limits limits) {
        List<Event> newestFirst = new ArrayList<>();
        long bytes = 0;
        try (EventRange r = store.range(q.from(), q.to(), true)) {
            while (r.hasNext()) {
                StoredEvent e = r.next();
                if (newestFirst.size() == limits.maxEvents()
                        || (!newestFirst.isEmpty() && bytes + e.event().length > limits.maxBytes())) {
                    return new LocalNewest(reversed(newestFirst), e.key());
                }
                newestFirst.add(new Event(e.key(), e.event()));
                bytes += e.event().length;
            }
        }
        return new LocalNewest(reversed(newestFirst), null);
    }

    private static List<Event> reversed(List<Event> events) {
        List<Event> out = new ArrayList<>(events);
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Opens every other member's share of the page at once, waits for each up to the peer timeout, and names the
     * nodes read and the ones that could not be in the answer's headers.
     */
    private List<PeerScan> openPeerScans(HttpExchange ex, ScanQuery q) {
        ScanRequest request = q.peerRequest();
        Map<ReadPeer, CompletableFuture<PeerScan>> opening = new LinkedHashMap<>();
        for (ReadPeer peer : peers.get()) {
            opening.put(peer, peerReads.submit(() -> peerReads.scan(peer, request)));
        }
        long deadline = Clock.SYSTEM.nanoTime() + peerReads.timeout().toNanos();
        List<PeerScan> opened = new ArrayList<>();
        StringJoiner read = new StringJoiner(",").add(selfId);
        StringJoiner unavailable = new StringJoiner(", ");
        for (Map.Entry<ReadPeer, CompletableFuture<PeerScan>> o : opening.entrySet()) {
            ReadPeer peer = o.getKey();
            String why;
            try {
                PeerScan s = o.getValue().get(Math.max(0, deadline - Clock.SYSTEM.nanoTime()), TimeUnit.NANOSECONDS);
                opened.add(s);
                read.add(peer.node());
                continue;
            } catch (TimeoutException e) {
                o.getValue().thenAccept(PeerScan::close); // too late for this page: close it when it comes
                why = "no answer within " + peerReads.timeout().toMillis() + " ms";
            } catch (ExecutionException e) {
                why = PeerReads.describe(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                o.getValue().thenAccept(PeerScan::close);
                why = "interrupted";
            }
            unavailable.add(peer.node() + " (" + peerReads.unavailable(peer, why).reason() + ")");
        }
        ex.getResponseHeaders().set(NODES_READ_HEADER, read.toString());
        if (unavailable.length() > 0) {
            ex.getResponseHeaders().set(UNAVAILABLE_HEADER, Replies.headerValue(unavailable.toString()));
        }
        return opened;
    }

    private static void closeAll(List<AutoCloseable> open) {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing a scan source failed: {}", e.toString());
            }
        }
    }

    /**
     * This node's events as a merge source. In a cluster scan a store failure ends it early (the page ends and the
     * next one asks again, or other holders serve); in a node-local scan it fails the read, so that the asking
     * node does not take a failing store for an empty one.
     */
    private final class StoreSource implements ScanMerge.Source, AutoCloseable {
        private final EventRange range;
        private final boolean failuresEndEarly;
        private boolean complete;

        StoreSource(EventRange range, boolean failuresEndEarly) {
            this.range = range;
            this.failuresEndEarly = failuresEndEarly;
        }

        @Override
        public Event next() {
            try {
                if (!range.hasNext()) {
                    complete = true;
                    return null;
                }
                StoredEvent e = range.next();
                return new Event(e.key(), e.event());
            } catch (StoreException e) {
                if (!failuresEndEarly) {
                    throw e;
                }
                log.warn("cluster scan: the store of {} failed ({}); its events are read from other holders or the next"
                        + " page", selfId, e.getMessage());
                complete = false;
                return null;
            }
        }

        @Override
        public boolean complete() {
            return complete;
        }

        @Override
        public void close() {
            range.close();
        }
    }

    /** Events already in memory, as a merge source. */
    private static final class ListSource implements ScanMerge.Source {
        private final List<Event> events;
        private int next;

        ListSource(List<Event> events) {
            this.events = events;
        }

        @Override
        public Event next() {
            return next < events.size() ? events.get(next++) : null;
        }

        @Override
        public boolean complete() {
            return true;
        }
    }
}
