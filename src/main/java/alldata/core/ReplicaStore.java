package alldata.core;

import java.util.concurrent.CompletableFuture;

/**
 * The coordinator's local storage. Storage is write-once: storing the same bytes again under a key
 * succeeds (idempotent re-delivery); storing different bytes completes exceptionally with a
 * {@link ConflictException} and leaves the stored event untouched.
 */
public interface ReplicaStore {
    /**
     * Stores {@code event} under {@code key}. The future may complete on any thread, or never (the
     * coordinator's replica timeout then applies).
     */
    CompletableFuture<Void> put(String key, byte[] event);
}
