package alldata.sidecar.http;

import alldata.protocol.Wire;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one way the HTTP API's handlers answer (the read paths here, the repair paths in their own package): a whole
 * answer, a one-line text, a JSON value, or a streamed body; HEAD gets the status and headers of GET, without the
 * body. Errors go through {@link Exchanges#answer}.
 */
public final class Replies {
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String JSON = "application/json";
    public static final String JSON_LINES = "application/x-ndjson";

    private Replies() {
    }

    /** A whole answer at once. */
    public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        if (isHead(ex)) {
            // the server sends no body for HEAD; the length header is the application's to set
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /** A one-line text answer. */
    public static void text(HttpExchange ex, int status, String line) throws IOException {
        send(ex, status, TEXT, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** {@code value} as JSON ({@link Wire}). */
    public static void json(HttpExchange ex, int status, Object value) throws IOException {
        send(ex, status, JSON, Wire.encode(value));
    }

    static boolean isHead(HttpExchange ex) {
        return ex.getRequestMethod().equals("HEAD");
    }

    /** A header value on one line of printable ASCII. */
    static String headerValue(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 1000; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : ' ');
        }
        return b.toString();
    }

    /**
     * A 200 body of unknown length, streamed: the status and headers go out with the first byte (chunked), so that
     * a failure before it can still be answered with an error status. For HEAD it only counts the bytes and
     * {@link #finish()} sends their number as {@code Content-Length}.
     */
    static final class StreamedBody extends OutputStream {
        private final HttpExchange ex;
        private final boolean head;
        private OutputStream out;
        private long count;

        StreamedBody(HttpExchange ex, String contentType) {
            this.ex = ex;
            this.head = isHead(ex);
            ex.getResponseHeaders().set("Content-Type", contentType);
        }

        /** Whether the status line is out: from then on, a failure can only end the body. */
        boolean started() {
            return out != null;
        }

        private OutputStream out() throws IOException {
            if (out == null) {
                ex.sendResponseHeaders(200, 0);
                out = new BufferedOutputStream(ex.getResponseBody(), 64 * 1024);
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            count++;
            if (!head) {
                out().write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count += len;
            if (!head) {
                out().write(b, off, len);
            }
        }

        /** Ends the answer: the last chunk (an empty body included), or for HEAD the headers with the length. */
        void finish() throws IOException {
            if (head) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(count));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            if (count == 0 && out == null) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            out().close();
        }
    }
}
