package alldata.protocol;

/** A record on an AllData topic is not what its wire format says; the message says what is wrong. */
public final class MalformedRecordException extends RuntimeException {
    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
