package alldata.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A node's answer, its status and headers in, its body streamed as it arrives ({@link #body()}, each read bounded
 * by the answer timeout). Close it: an answer read to its end leaves the connection for the next request, one
 * closed early closes it.
 */
public final class NodeAnswer implements AutoCloseable {
    /** The most of an answer's body {@link #text()} reads: error answers are one line. */
    private static final int MAX_TEXT_BYTES = 64 << 10;

    private final String base;
    private final int status;
    private final HttpHeaders headers;
    private final InputStream body;

    NodeAnswer(String base, int status, HttpHeaders headers, InputStream body) {
        this.base = base;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** The base URL of the node that answered. */
    public String base() {
        return base;
    }

    public int status() {
        return status;
    }

    /** The first value of the header {@code name}, if the answer has it. */
    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The body as it arrives; a read that waits longer than the answer timeout fails. */
    public InputStream body() {
        return body;
    }

    /** The whole body. */
    public byte[] bytes() throws IOException {
        return body.readAllBytes();
    }

    /** The body as text without surrounding blanks (its first 64 KiB: what an error answer says). */
    public String text() throws IOException {
        return new String(body.readNBytes(MAX_TEXT_BYTES), StandardCharsets.UTF_8).strip();
    }

    /** The first line of {@link #text()}, for a log line or a short reason. */
    public String firstLine() throws IOException {
        String text = text();
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl).strip();
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
