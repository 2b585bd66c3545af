package alldata.sidecar.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answering an exchange on this thread or another: bad input is a 400, an interrupted node a 503, a failure a 500,
 * and the exchange is closed once. Every handler of the HTTP API answers through it, with {@link Replies}.
 */
public final class Exchanges {
    private static final Logger log = LoggerFactory.getLogger(Exchanges.class);

    private Exchanges() {
    }

    /** Work on an exchange. */
    public interface Task {
        /** @return true once answered (the exchange is then closed), false when handed to another thread */
        boolean run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code task}: an {@link IllegalArgumentException} is answered 400 with its message, an interruption
     * (the node is shutting down) 503, another failure 500, as long as no status was sent yet; then the exchange is
     * closed, unless the task handed it on.
     */
    public static void answer(HttpExchange ex, Task task) {
        boolean close = true;
        try {
            close = task.run();
        } catch (IllegalArgumentException e) {
            fail(ex, 400, e.getMessage());
        } catch (IOException e) {
            log.debug("HTTP {} {}: the client went away: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(ex, 503, "interrupted: the node is shutting down");
        } catch (RuntimeException e) {
            log.warn("HTTP {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString(), e);
            fail(ex, 500, "internal error: " + e);
        } finally {
            if (close) {
                ex.close();
            }
        }
    }

    /**
     * Hands {@code task} to {@code pool}; when the pool is full, answers 503 at once.
     *
     * @return what {@link Task#run()} returns: false when handed on, true when answered here
     */
    static boolean dispatch(HttpExchange ex, Executor pool, Task task) throws IOException {
        try {
            pool.execute(() -> answer(ex, task));
            return false;
        } catch (RejectedExecutionException e) {
            ex.getResponseHeaders().set("Retry-After", "1");
            Replies.text(ex, 503, "busy: too many reads of this kind in progress on this node; retry shortly");
            return true;
        }
    }

    private static void fail(HttpExchange ex, int status, String message) {
        if (ex.getResponseCode() != -1) {
            return; // the status is out; closing ends the answer
        }
        try {
            Replies.text(ex, status, message);
        } catch (IOException e) {
            log.debug("HTTP {} {}: could not send {}: {}", ex.getRequestMethod(), ex.getRequestURI(), status, e.toString());
        }
    }
}
