package alldata.sidecar.peers;

import alldata.http.NodeClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * This node's requests to its peers' HTTP APIs, for cluster reads and for repair: one {@link NodeClient} (the
 * cluster's token, {@code http.tls.truststore.path}, {@code http.peer.timeout.ms}) and a bounded pool of threads
 * that ask several peers at once.
 */
public final class PeerRequests implements AutoCloseable {
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
    static final Duration SILENT_PEER_CONNECT = Duration.ofSeconds(1);

    private final NodeClient client;
    private final NodeClient silentPeerClient;
    private final ThreadPoolExecutor fanOut;

    /** @param client how to ask a peer: token, trust and timeouts */
    public PeerRequests(NodeClient client) {
        this.client = Objects.requireNonNull(client, "client");
        this.silentPeerClient = client.connectTimeout().compareTo(SILENT_PEER_CONNECT) <= 0 ? client
                : client.withConnectTimeout(SILENT_PEER_CONNECT);
        // requests to several peers run at once, on threads that end after 30 s idle
        this.fanOut = new ThreadPoolExecutor(MAX_FAN_OUT_THREADS, MAX_FAN_OUT_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_WAITING_REQUESTS), r -> {
            Thread t = new Thread(r, "alldata-http-peer");
            t.setDaemon(true);
            return t;
        });
        fanOut.allowCoreThreadTimeOut(true);
    }

    /** The client for a peer that heartbeats. */
    public NodeClient client() {
        return client;
    }

    /** The client for a peer: one whose heartbeats stopped gets a short connect timeout. */
    public NodeClient client(boolean heard) {
        return heard ? client : silentPeerClient;
    }

    /** The longest a single peer request waits for its answer (connect, then the answer). */
    public Duration timeout() {
        return client.longestWait();
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

    @Override
    public void close() {
        fanOut.shutdownNow();
    }
}
