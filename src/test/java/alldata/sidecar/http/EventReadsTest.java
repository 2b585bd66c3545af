package alldata.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.http.PeerReads.Absent;
import alldata.sidecar.http.PeerReads.Found;
import alldata.sidecar.http.PeerReads.GetAnswer;
import alldata.sidecar.http.PeerReads.Unavailable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How a get's peer answers make its outcome, completed by hand in every order that matters. */
class EventReadsTest {
    private static final Found COPY = new Found("node-3", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    @Test
    void aCopyFromTheLastPeerToAnswerWins() {
        // the defect: "all answered" ran before "one found" when the finding answer came last, and a held event was 404
        CompletableFuture<GetAnswer> absent = new CompletableFuture<>();
        CompletableFuture<GetAnswer> found = new CompletableFuture<>();
        CompletableFuture<Found> first = EventReads.firstFound(List.of(absent, found));
        absent.complete(new Absent("node-2"));
        assertThat(first).isNotDone();
        found.complete(COPY);
        assertThat(first).isCompletedWithValue(COPY);
    }

    @Test
    void aCopyWinsAsSoonAsItComesWithoutWaitingForTheOthers() {
        CompletableFuture<GetAnswer> slow = new CompletableFuture<>();
        CompletableFuture<GetAnswer> found = new CompletableFuture<>();
        CompletableFuture<Found> first = EventReads.firstFound(List.of(slow, found));
        found.complete(COPY);
        assertThat(first).isCompletedWithValue(COPY);
    }

    @Test
    void noCopyOnceEveryPeerAnsweredWithoutOne() {
        CompletableFuture<GetAnswer> absent = new CompletableFuture<>();
        CompletableFuture<GetAnswer> down = new CompletableFuture<>();
        CompletableFuture<Found> first = EventReads.firstFound(List.of(absent, down));
        down.complete(new Unavailable("node-4", "ConnectException: Connection refused"));
        absent.complete(new Absent("node-2"));
        assertThat(first).isCompletedWithValue(null);
    }
}
