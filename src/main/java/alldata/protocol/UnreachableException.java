package alldata.protocol;

import java.util.Objects;

/**
 * A program could not reach a service it needs (Kafka, a node's HTTP API) within its bound. The message says what
 * was tried at which address, why it failed, and where that address is set, so that a person can fix it without
 * reading a stack trace. An {@link IllegalStateException}, as the failures it replaces were.
 */
public final class UnreachableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String address;

    /**
     * @param message the whole explanation, naming {@code address}
     * @param address the address tried, as the user gave it
     * @param cause   the client's own exception, kept for logs
     */
    public UnreachableException(String message, String address, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.address = Objects.requireNonNull(address, "address");
    }

    /** The address that could not be reached. */
    public String address() {
        return address;
    }
}
