package alldata.cli;

import alldata.core.AllDataKey;
import alldata.protocol.PutOutcome;
import alldata.sidecar.http.Health;
import alldata.sidecar.http.HttpApi;
import alldata.store.RocksReplicaStore;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    private static final byte[] E = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    private static PutOutcome committed(String key, String level, int required, List<String> replicas, int partition, long offset) {
        return new PutOutcome(key, "c-" + key, PutOutcome.Status.COMMITTED, level, required, replicas.subList(0, required),
                replicas, 0, null, null, new PutOutcome.IngestPosition(partition, offset));
    }

    @Test
    void fullyReplicatedEventsAreOk() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "QUORUM", 2, List.of("n1", "n2", "n3"), 0, 1)),
                Map.of("n1", Map.of("k1", E), "n2", Map.of("k1", E), "n3", Map.of("k1", E)), 10);
        assertThat(r.ok()).isTrue();
        assertThat(r.committed()).isEqualTo(1);
    }

    @Test
    void fewerCopiesThanRequiredIsUnderReplicated() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "ALL", 3, List.of("n1", "n2", "n3"), 0, 1)),
                Map.of("n1", Map.of("k1", E), "n2", Map.of("k1", E), "n3", Map.of()), 10);
        assertThat(r.ok()).isFalse();
        assertThat(r.underReplicated()).isEqualTo(1);
        assertThat(r.problems()).anyMatch(p -> p.contains("UNDER-REPLICATED") && p.contains("2 of 3"));
    }

    @Test
    void committedButStoredNowhereIsMissing() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "ONE", 1, List.of("n1"), 0, 1)),
                Map.of("n1", Map.of()), 10);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.ok()).isFalse();
    }

    @Test
    void anIdenticalRepeatedOutcomeIsCountedButOneThatContradictsIsAProblem() {
        PutOutcome a = committed("k1", "ONE", 1, List.of("n1"), 3, 7);
        PutOutcome again = committed("k1", "ONE", 1, List.of("n1"), 3, 7);
        PutOutcome otherKey = committed("k2", "ONE", 1, List.of("n1"), 3, 7);
        PutOutcome failed = new PutOutcome("k1", "c-k1", PutOutcome.Status.FAILED, "ONE", 1, List.of(), List.of("n1"), 0,
                List.of(), "timed out", new PutOutcome.IngestPosition(3, 7));
        Map<String, Map<String, byte[]>> stored = Map.of("n1", Map.of("k1", E, "k2", E));

        VerifyCommand.Report repeat = VerifyCommand.check(List.of(a, again), stored, 10);
        assertThat(repeat.ok()).isTrue();
        assertThat(repeat.repeated()).isEqualTo(1);
        for (PutOutcome contradiction : List.of(otherKey, failed)) {
            VerifyCommand.Report r = VerifyCommand.check(List.of(a, contradiction), stored, 10);
            assertThat(r.contradictory()).isEqualTo(1);
            assertThat(r.problems()).singleElement().asString().contains("ingest 3-7 has contradictory outcomes");
            assertThat(r.ok()).isFalse();
        }
    }

    @Test
    void replicasWithDifferentBytesAreFlagged() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "QUORUM", 2, List.of("n1", "n2"), 0, 1)),
                Map.of("n1", Map.of("k1", E), "n2", Map.of("k1", "{\"a\":2}".getBytes(StandardCharsets.UTF_8))), 10);
        assertThat(r.differingBytes()).isEqualTo(1);
        assertThat(r.ok()).isFalse();
    }

    @Test
    void failedOutcomesAreCountedNotChecked() {
        PutOutcome failed = new PutOutcome(null, "c", PutOutcome.Status.FAILED, null, 0, List.of(), List.of(), 0, List.of(), "bad", null);
        VerifyCommand.Report r = VerifyCommand.check(List.of(failed), Map.of("n1", Map.of()), 10);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.ok()).isTrue();
    }

    /** Found by the fault scenario of 30,000 events: the second page asked for a bound the HTTP API refuses (400). */
    @Test
    void readingANodeFetchesEveryEventAcrossPages(@TempDir Path dir) throws Exception {
        Map<String, byte[]> written = new HashMap<>();
        try (RocksReplicaStore store = RocksReplicaStore.open(dir);
             HttpApi api = new HttpApi("127.0.0.1", 0, store, () -> Health.passing("ready"), () -> "")) {
            for (int i = 0; i < 10; i++) {
                String key = AllDataKey.ingest(1_800_000_000_000L, 0, i).value();
                byte[] event = ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                store.put(key, event).get();
                written.put(key, event);
            }
            Map<String, byte[]> read = VerifyCommand.readAll(api.address(), 3);
            assertThat(read).containsOnlyKeys(written.keySet());
            written.forEach((k, v) -> assertThat(read.get(k)).as(k).isEqualTo(v));
        }
    }
}
