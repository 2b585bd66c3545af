package alldata.http;

import alldata.protocol.KafkaReach;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An answer's body as a stream, read as it arrives, where every read waits at most the answer timeout for bytes: a
 * node that stalls halfway through a streamed answer fails the read instead of holding it. The JDK's
 * {@code HttpClient} bounds a request only until its headers arrive; this is the bound on the rest.
 *
 * <p>Asks for one chunk at a time (the next once the last is taken), so an unread answer holds no more than two
 * chunks in memory. Closing it before the end cancels the answer, which closes the connection: the node stops
 * writing. Read to its end, the connection goes back to the client's pool.
 */
final class TimedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
    /** What arrives from the client: a chunk, the end, or a failure. */
    private sealed interface Arrival permits Chunk, End, Failure {
    }

    private record Chunk(List<ByteBuffer> buffers) implements Arrival {
    }

    private record End() implements Arrival {
    }

    private record Failure(Throwable cause) implements Arrival {
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final BlockingQueue<Arrival> arrived = new LinkedBlockingQueue<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final Duration timeout;
    private Iterator<ByteBuffer> chunk = Collections.emptyIterator();
    private ByteBuffer current = EMPTY;
    private boolean ended;
    /** Why the answer cannot be read on: every later read says it again, never an early end. */
    private IOException failed;
    private volatile boolean closed;

    /** @param timeout the longest wait for the next bytes */
    TimedBody(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    // ------------------------------------------------------------------------------ from the client

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.compareAndSet(null, s) || closed) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        arrived.add(new Chunk(buffers));
    }

    @Override
    public void onError(Throwable e) {
        arrived.add(new Failure(e));
    }

    @Override
    public void onComplete() {
        arrived.add(new End());
    }

    // ------------------------------------------------------------------------------- to the reader

    @Override
    public int read() throws IOException {
        return fill() ? current.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return current.remaining();
    }

    /** @return false at the end of the answer */
    private boolean fill() throws IOException {
        if (closed) {
            throw new IOException("the answer is closed");
        }
        while (!current.hasRemaining()) {
            if (failed != null) {
                throw failed;
            }
            if (chunk.hasNext()) {
                current = chunk.next();
                continue;
            }
            if (ended) {
                return false;
            }
            Arrival next = next();
            if (next instanceof Chunk c) {
                chunk = c.buffers().iterator();
                subscription.get().request(1);
            } else if (next instanceof End) {
                ended = true;
            } else {
                Throwable cause = ((Failure) next).cause();
                failed = cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
            }
        }
        return true;
    }

    private Arrival next() throws IOException {
        Arrival next;
        try {
            next = arrived.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = new InterruptedIOException("interrupted while reading an answer");
            cancel();
            throw failed;
        }
        if (next == null) {
            failed = new SocketTimeoutException("the answer stalled: no bytes for " + KafkaReach.seconds(timeout));
            cancel();
            throw failed;
        }
        return next;
    }

    /** Ends the answer; one not read to its end is cancelled, which closes its connection. */
    @Override
    public void close() {
        closed = true;
        if (!ended) {
            cancel();
        }
    }

    private void cancel() {
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.cancel();
        }
    }
}
