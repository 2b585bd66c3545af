package alldata.core;

/**
 * A put could not meet its commit level: too few live peers to start, or too many replicas failed with
 * no spare peer left. The message says how many replicas were not created and why.
 */
public final class ReplicationException extends RuntimeException {
    public ReplicationException(String message) {
        super(message);
    }

    public ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
