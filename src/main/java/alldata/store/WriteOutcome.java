package alldata.store;

/** What a write-once store did with one {@link ReplicaWrite}. */
public enum WriteOutcome {
    /** The key was absent; the event is now stored. */
    STORED,
    /** The same bytes were already stored under the key: idempotent re-delivery, nothing changed. */
    DUPLICATE,
    /** Different bytes are stored under the key; they were left untouched. */
    CONFLICT;

    /** True when the node holds the event after the write (STORED or DUPLICATE). */
    public boolean holdsEvent() {
        return this != CONFLICT;
    }
}
