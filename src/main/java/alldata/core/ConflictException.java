package alldata.core;

/**
 * A node already holds a different event under a key. Write-once storage never overwrites it; the
 * replica counts as failed and is re-placed.
 */
public final class ConflictException extends RuntimeException {
    private final String key;

    public ConflictException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The key that holds a different event. */
    public String key() {
        return key;
    }
}
