package alldata.faults;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.protocol.PutOutcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault ledger's tally, without a cluster: it must be able to fail a scenario on a second outcome. */
class LedgerTest {
    private static final byte[] E0 = "{\"load\":0}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] E1 = "{\"load\":1}".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, byte[]> INGEST = Map.of("0-0", E0, "0-1", E1);
    private static final Map<String, Map<String, byte[]>> STORES = Map.of(
            "n1", Map.of("k0", E0, "k1", E1), "n2", Map.of("k0", E0, "k1", E1), "n3", Map.of());

    private static PutOutcome outcome(String key, PutOutcome.Status status, List<String> replicas, long offset) {
        return new PutOutcome(key, "c" + offset, status, "QUORUM", 2, replicas.subList(0, 2), replicas, 0, null, null,
                new PutOutcome.IngestPosition(0, offset));
    }

    private static PutOutcome committed(String key, long offset) {
        return outcome(key, PutOutcome.Status.COMMITTED, List.of("n1", "n2", "n3"), offset);
    }

    private static Ledger tally(PutOutcome... outcomes) {
        return Ledger.of(INGEST, List.of(outcomes), STORES, v -> true);
    }

    @Test
    void oneCommittedOutcomePerRecordOnEnoughNodesIsClean() {
        Ledger l = tally(committed("k0", 0), committed("k1", 1));
        assertThat(l.lost()).isZero();
        assertThat(l.committed()).isEqualTo(2);
        assertThat(l.atMostOneOutcomeEach()).isTrue();
        assertThat(l.outcomes()).isEqualTo(l.eventsIn());
    }

    @Test
    void aRepeatedIdenticalOutcomeIsCountedAsRepeated() {
        Ledger l = tally(committed("k0", 0), committed("k1", 1),
                outcome("k0", PutOutcome.Status.COMMITTED, List.of("n3", "n2", "n1"), 0));
        assertThat(l.repeated()).isEqualTo(1);
        assertThat(l.contradictory()).isZero();
        assertThat(l.atMostOneOutcomeEach()).isFalse();
    }

    @Test
    void committedAndFailedForOneRecordIsAContradiction() {
        Ledger l = tally(committed("k0", 0), committed("k1", 1),
                outcome("k1", PutOutcome.Status.FAILED, List.of("n1", "n2", "n3"), 1));
        assertThat(l.contradictory()).isEqualTo(1);
        assertThat(l.problems()).anyMatch(p -> p.contains("0-1 has contradictory outcomes"));
    }

    @Test
    void anotherReplicaSetOrKeyIsAContradiction() {
        assertThat(tally(committed("k0", 0), committed("k1", 1),
                outcome("k0", PutOutcome.Status.COMMITTED, List.of("n1", "n2", "n4"), 0)).contradictory()).isEqualTo(1);
        assertThat(tally(committed("k0", 0), committed("k1", 1), committed("k9", 0)).contradictory()).isEqualTo(1);
    }

    @Test
    void aMissingOrFailedOutcomeAndTooFewIdenticalCopiesAreLost() {
        assertThat(tally(committed("k0", 0)).lost()).isEqualTo(1);
        Ledger failed = tally(committed("k0", 0), outcome("k1", PutOutcome.Status.FAILED, List.of("n1", "n2"), 1));
        assertThat(failed.lost()).isEqualTo(1);
        assertThat(failed.failed()).isEqualTo(1);
        Map<String, Map<String, byte[]>> oneDiffers = Map.of("n1", Map.of("k0", E0, "k1", E1),
                "n2", Map.of("k0", E0, "k1", "{\"load\":2}".getBytes(StandardCharsets.UTF_8)));
        Ledger under = Ledger.of(INGEST, List.of(committed("k0", 0), committed("k1", 1)), oneDiffers, v -> true);
        assertThat(under.underReplicated()).isEqualTo(1);
        assertThat(under.lost()).isEqualTo(1);
    }

    @Test
    void anOutcomeForAPositionWithoutARecordIsAStray() {
        Ledger l = tally(committed("k0", 0), committed("k1", 1), committed("k7", 7));
        assertThat(l.strays()).isEqualTo(1);
        assertThat(l.atMostOneOutcomeEach()).isFalse();
    }
}
