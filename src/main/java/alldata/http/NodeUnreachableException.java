package alldata.http;

import java.io.IOException;
import java.util.Objects;

/**
 * A node's HTTP API could not be connected to (refused, unknown host, no answer within the connect timeout): its
 * message says why in words ("connection refused"), for a caller that names the address beside it. A failure after
 * connecting (a TLS handshake, a slow answer) is another {@link IOException}.
 */
public final class NodeUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String base;

    /**
     * @param base  the base URL tried
     * @param why   why connecting failed, in words
     * @param cause the HTTP client's own exception
     */
    public NodeUnreachableException(String base, String why, Throwable cause) {
        super(Objects.requireNonNull(why, "why"), cause);
        this.base = Objects.requireNonNull(base, "base");
    }

    /** The base URL that could not be reached. */
    public String base() {
        return base;
    }
}
