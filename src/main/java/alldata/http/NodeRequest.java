package alldata.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to a node's HTTP API, without the node: a method, a path with its query (already encoded), a body for
 * a POST, and optionally a longer answer timeout for an endpoint that works before it answers.
 */
public final class NodeRequest {
    private final String method;
    private final String pathAndQuery;
    private final byte[] body;
    private final Duration answerTimeout;

    private NodeRequest(String method, String pathAndQuery, byte[] body, Duration answerTimeout) {
        this.method = method;
        this.pathAndQuery = Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/': " + pathAndQuery);
        }
        this.body = body;
        this.answerTimeout = answerTimeout;
    }

    /** {@code GET pathAndQuery}. */
    public static NodeRequest get(String pathAndQuery) {
        return new NodeRequest("GET", pathAndQuery, null, null);
    }

    /** {@code POST pathAndQuery} with {@code body} ({@code text/plain; charset=utf-8}; empty for none). */
    public static NodeRequest post(String pathAndQuery, byte[] body) {
        return new NodeRequest("POST", pathAndQuery, Objects.requireNonNull(body, "body").clone(), null);
    }

    /** This request, its answer awaited up to {@code answerTimeout} instead of the client's. */
    public NodeRequest within(Duration answerTimeout) {
        return new NodeRequest(method, pathAndQuery, body, Objects.requireNonNull(answerTimeout, "answerTimeout"));
    }

    public String method() {
        return method;
    }

    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** The body of a POST, or empty for a GET. */
    Optional<byte[]> body() {
        return Optional.ofNullable(body);
    }

    /** The answer timeout this request asks for, if not the client's. */
    Optional<Duration> answerTimeout() {
        return Optional.ofNullable(answerTimeout);
    }

    @Override
    public String toString() {
        return method + " " + pathAndQuery;
    }
}
