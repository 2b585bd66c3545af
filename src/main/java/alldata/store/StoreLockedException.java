package alldata.store;

/** Another process (or another store in this one) holds the data directory. */
public final class StoreLockedException extends StoreException {
    public StoreLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
