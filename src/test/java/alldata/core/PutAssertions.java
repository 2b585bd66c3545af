package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Checks on a put's future that never wait: it is done now or the check fails. */
final class PutAssertions {
    private PutAssertions() {
    }

    /** The result of a put that has committed, failing the test if it is pending or failed. */
    static PutResult committed(CompletableFuture<PutResult> f) {
        assertThat(f).as("put is done").isDone();
        assertThat(f.isCompletedExceptionally()).as("put failed: %s", f).isFalse();
        return f.join();
    }

    /** The exception of a put that has failed, failing the test if it is pending or committed. */
    static ReplicationException failure(CompletableFuture<PutResult> f) {
        assertThat(f).as("put is done").isDone();
        assertThat(f.isCompletedExceptionally()).as("put failed").isTrue();
        Throwable t = catchThrowable(f::join);
        assertThat(t).isInstanceOf(CompletionException.class).cause().isInstanceOf(ReplicationException.class);
        return (ReplicationException) t.getCause();
    }
}
