package alldata.http;

import alldata.protocol.KafkaReach;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The one client of nodes' HTTP APIs, for nodes asking their peers and for the tools alike:
 * <ul>
 *   <li>addresses by {@link NodeAddress#baseUrl}: {@code host:port} is plain HTTP, an {@code https://} URL speaks
 *       TLS trusting the context it is given (a sidecar's {@code http.tls.truststore.path}, a tool's JDK default
 *       trust, which {@code -Djavax.net.ssl.trustStore} sets);</li>
 *   <li>the cluster's token by {@link BearerToken}, sent as {@code Authorization: Bearer} with every request;</li>
 *   <li>timeouts: connecting within the connect timeout, the status and headers within the answer timeout after
 *       that, and each later read of the body within the answer timeout again, so a node that stalls reads as
 *       down instead of holding its caller;</li>
 *   <li>a failure to connect is a {@link NodeUnreachableException} that says why in words.</li>
 * </ul>
 * Immutable and thread-safe; requests block their caller (nodes ask several peers at once on threads of their own).
 */
public final class NodeClient {
    private final HttpClient http;
    private final Optional<String> token;
    private final SSLContext tls;
    private final Duration connectTimeout;
    private final Duration answerTimeout;

    /**
     * @param token          the cluster's {@code http.auth.token}, if it has one (a blank one is none)
     * @param tls            the trust for nodes that speak HTTPS
     * @param connectTimeout how long a node may take to accept a connection
     * @param answerTimeout  how long it may then take to answer, and to send each next bytes of its answer
     */
    public NodeClient(Optional<String> token, SSLContext tls, Duration connectTimeout, Duration answerTimeout) {
        this.token = BearerToken.of(Objects.requireNonNull(token, "token"));
        this.tls = Objects.requireNonNull(tls, "tls");
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        this.answerTimeout = positive(answerTimeout, "answerTimeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // the nodes' server speaks HTTP/1.1: no upgrade attempts
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .sslContext(tls)
                .build();
    }

    /** A client that trusts what the JDK trusts by default ({@code -Djavax.net.ssl.trustStore=…} adds to it). */
    public static NodeClient withDefaultTrust(Optional<String> token, Duration connectTimeout, Duration answerTimeout) {
        try {
            return new NodeClient(token, SSLContext.getDefault(), connectTimeout, answerTimeout);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context: " + e.getMessage(), e);
        }
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    /** This client with another connect timeout (e.g. shorter, for a node that may well be gone). */
    public NodeClient withConnectTimeout(Duration connectTimeout) {
        return new NodeClient(token, tls, connectTimeout, answerTimeout);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration answerTimeout() {
        return answerTimeout;
    }

    /** The longest a request waits for its status: connecting, then the answer. */
    public Duration longestWait() {
        return connectTimeout.plus(answerTimeout);
    }

    /**
     * Sends {@code request} to the node at {@code address} and returns once its status and headers are in; the
     * caller reads the body from the answer and closes it.
     *
     * @param address {@code host:port} or a base URL ({@link NodeAddress#baseUrl})
     * @throws NodeUnreachableException when the node cannot be connected to
     * @throws IOException              when it does not answer in time, the TLS handshake fails, or the connection
     *                                  breaks; an {@link InterruptedIOException} when the thread is interrupted
     */
    public NodeAnswer send(String address, NodeRequest request) throws IOException {
        String base = NodeAddress.baseUrl(address);
        Duration answer = request.answerTimeout().orElse(answerTimeout);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + request.pathAndQuery()))
                .timeout(connectTimeout.plus(answer)) // the JDK's request timeout starts before connecting
                .method(request.method(), request.body().map(HttpRequest.BodyPublishers::ofByteArray)
                        .orElse(HttpRequest.BodyPublishers.noBody()));
        if (request.body().isPresent()) {
            b.header("Content-Type", "text/plain; charset=utf-8");
        }
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        HttpRequest r = b.build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(r, info -> new TimedBody(answer));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while asking " + base);
        } catch (IOException e) {
            throw failure(e, base, r.uri().getHost(), connectTimeout.plus(answer));
        }
        return new NodeAnswer(base, response.statusCode(), response.headers(), response.body());
    }

    /** What {@code e} means for the caller: could not connect, no answer in time, or the client's own words. */
    private IOException failure(IOException e, String base, String host, Duration wait) {
        Optional<String> why = ConnectFailure.reason(e, host, connectTimeout);
        if (why.isPresent()) {
            return new NodeUnreachableException(base, why.get(), e);
        }
        if (e instanceof HttpTimeoutException) {
            HttpTimeoutException late = new HttpTimeoutException("no answer from " + base + " within "
                    + KafkaReach.seconds(wait));
            late.initCause(e);
            return late;
        }
        return e; // connected, but e.g. the TLS handshake failed: the JDK's words say which
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "NodeClient[connect " + KafkaReach.seconds(connectTimeout) + ", answer " + KafkaReach.seconds(answerTimeout)
                + (token.isPresent() ? ", token set" : "") + "]";
    }
}
