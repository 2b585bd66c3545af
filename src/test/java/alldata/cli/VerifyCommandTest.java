package alldata.cli;

import alldata.protocol.PutOutcome;
import alldata.protocol.RepairLines;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifyCommandTest {
    private static final long E = 0x1234L;

    /** A node's line for key {@code k}: replication factor 3, the bytes of hash {@code hash}. */
    private static Map<String, RepairLines.KeyLine> holds(String k, long hash) {
        return Map.of(k, new RepairLines.KeyLine(k, 3, hash));
    }

    private static Map<String, RepairLines.KeyLine> holds(String k) {
        return holds(k, E);
    }

    private static PutOutcome committed(String key, String level, int required, List<String> replicas, int partition, long offset) {
        return committed(key, level, required, replicas, 0, partition, offset);
    }

    private static PutOutcome committed(String key, String level, int required, List<String> replicas, int owed,
                                        int partition, long offset) {
        return new PutOutcome(key, "c-" + key, PutOutcome.Status.COMMITTED, level, required, replicas.subList(0, required),
                replicas, owed, null, null, new PutOutcome.IngestPosition(partition, offset));
    }

    private static PutOutcome failed(String key, List<String> storedOn, int partition, long offset) {
        return new PutOutcome(key, "c-" + key, PutOutcome.Status.FAILED, "ALL", 3, storedOn, List.of("n1", "n2", "n3"),
                3 - storedOn.size(), storedOn, "replication failed", new PutOutcome.IngestPosition(partition, offset));
    }

    private static Map<String, RepairLines.KeyLine> holdsFailed(String k) {
        return Map.of(k, new RepairLines.KeyLine(k, 3, E, true));
    }

    @Test
    void committedEventsWhoseHoldersSpanFewerZonesThanTheirAckedReplicasAreListedPlacementShort() {
        PutOutcome.PlacementReport placed = new PutOutcome.PlacementReport(List.of("r/a", "r/b"), List.of("r"),
                List.of("r/a", "r/b"), List.of("r"), 2, 1, true, null);
        PutOutcome o = new PutOutcome("k1", "c-k1", PutOutcome.Status.COMMITTED, "QUORUM", 2, List.of("n1", "n3"),
                List.of("n1", "n2", "n3"), 0, null, null, new PutOutcome.IngestPosition(0, 1), placed);
        Map<String, alldata.core.FaultDomain> domains = Map.of("n1", new alldata.core.FaultDomain("r", "a"),
                "n2", new alldata.core.FaultDomain("r", "a"), "n3", new alldata.core.FaultDomain("r", "b"));

        VerifyCommand.Report shortOfZoneB = VerifyCommand.check(List.of(o),
                Map.of("n1", holds("k1"), "n2", holds("k1"), "n3", Map.of()), domains, 10);
        VerifyCommand.Report spread = VerifyCommand.check(List.of(o),
                Map.of("n1", holds("k1"), "n2", holds("k1"), "n3", holds("k1")), domains, 10);

        assertThat(shortOfZoneB.placementShort()).isEqualTo(1);
        assertThat(shortOfZoneB.problems()).anyMatch(p -> p.startsWith("k1: PLACEMENT SHORT, holders [n1, n2] span zones [r/a]"));
        assertThat(shortOfZoneB.ok(false)).as("nothing lost").isTrue();
        assertThat(shortOfZoneB.ok(true)).isFalse();
        assertThat(spread.placementShort()).isZero();
    }

    @Test
    void failedCopiesAreListedApartNotAsMissingOrUnderReplicated() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(failed("k1", List.of("n3"), 0, 1)),
                Map.of("n1", Map.of(), "n2", Map.of(), "n3", holdsFailed("k1")), 10);
        assertThat(r.ok(true)).isTrue();
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.failedCopies()).isEqualTo(1);
        assertThat(r.failedCopyLines()).containsExactly("k1: FAILED copy on n3");
        assertThat(r.missing() + r.underReplicated() + r.belowCommitLevel() + r.unconfirmedCopies()).isZero();
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void aCopyOfAFailedPutThatItsNodeDoesNotKnowFailedIsAProblem() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(failed("k1", List.of("n3"), 0, 1)),
                Map.of("n1", holds("k1"), "n3", holdsFailed("k1")), 10);
        assertThat(r.unconfirmedCopies()).isEqualTo(1);
        assertThat(r.ok(false)).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.contains("UNCONFIRMED copy of a FAILED put on n1"));
    }

    @Test
    void aCommittedEventsCopyMarkedFailedIsNotAReplicaAndIsAProblem() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "QUORUM", 2, List.of("n1", "n2", "n3"), 0, 1)),
                Map.of("n1", holds("k1"), "n2", holds("k1"), "n3", holdsFailed("k1")), 10);
        assertThat(r.committedMarkedFailed()).isEqualTo(1);
        assertThat(r.underReplicated()).as("the FAILED copy does not count").isEqualTo(1);
        assertThat(r.ok(false)).isFalse();
    }

    @Test
    void fullyReplicatedEventsAreOk() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "QUORUM", 2, List.of("n1", "n2", "n3"), 0, 1)),
                Map.of("n1", holds("k1"), "n2", holds("k1"), "n3", holds("k1")), 10);
        assertThat(r.ok(true)).isTrue();
        assertThat(r.committed()).isEqualTo(1);
    }

    @Test
    void fewerCopiesThanTheCommitLevelRequiredIsBelowCommitLevel() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "ALL", 3, List.of("n1", "n2", "n3"), 0, 1)),
                Map.of("n1", holds("k1"), "n2", holds("k1"), "n3", Map.of()), 10);
        assertThat(r.ok(false)).isFalse();
        assertThat(r.belowCommitLevel()).isEqualTo(1);
        assertThat(r.problems()).anyMatch(p -> p.contains("BELOW COMMIT LEVEL") && p.contains("2 of 3"));
    }

    @Test
    void aLostReplicaAboveTheCommitLevelIsUnderReplicatedWhichOnlyStrictFails() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "QUORUM", 2, List.of("n1", "n2", "n3"), 0, 1)),
                Map.of("n1", holds("k1"), "n2", holds("k1"), "n3", Map.of()), 10);
        assertThat(r.underReplicated()).isEqualTo(1);
        assertThat(r.owed()).isZero();
        assertThat(r.ok(false)).isTrue();
        assertThat(r.ok(true)).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.contains("UNDER-REPLICATED, 2 of 3 replicas"));
    }

    @Test
    void aDegradedWriteNotYetCompletedIsOwed() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "QUORUM", 2, List.of("n1", "n2"), 1, 0, 1)),
                Map.of("n1", holds("k1"), "n2", holds("k1")), 10);
        assertThat(r.owed()).isEqualTo(1);
        assertThat(r.underReplicated()).isZero();
        assertThat(r.ok(false)).isTrue();
        assertThat(r.ok(true)).isFalse();
        // once repair placed the owed replica it is neither
        VerifyCommand.Report repaired = VerifyCommand.check(List.of(committed("k1", "QUORUM", 2, List.of("n1", "n2"), 1, 0, 1)),
                Map.of("n1", holds("k1"), "n2", holds("k1"), "n3", holds("k1")), 10);
        assertThat(repaired.ok(true)).isTrue();
    }

    @Test
    void committedButStoredNowhereIsMissing() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "ONE", 1, List.of("n1"), 0, 1)),
                Map.of("n1", Map.of()), 10);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.ok(false)).isFalse();
    }

    @Test
    void anIdenticalRepeatedOutcomeIsCountedButOneThatContradictsIsAProblem() {
        PutOutcome a = committed("k1", "ONE", 1, List.of("n1"), 3, 7);
        PutOutcome again = committed("k1", "ONE", 1, List.of("n1"), 3, 7);
        PutOutcome otherKey = committed("k2", "ONE", 1, List.of("n1"), 3, 7);
        PutOutcome failed = new PutOutcome("k1", "c-k1", PutOutcome.Status.FAILED, "ONE", 1, List.of(), List.of("n1"), 0,
                List.of(), "timed out", new PutOutcome.IngestPosition(3, 7));
        Map<String, Map<String, RepairLines.KeyLine>> stored = Map.of("n1", Map.of(
                "k1", new RepairLines.KeyLine("k1", 1, E), "k2", new RepairLines.KeyLine("k2", 1, E)));

        VerifyCommand.Report repeat = VerifyCommand.check(List.of(a, again), stored, 10);
        assertThat(repeat.ok(true)).isTrue();
        assertThat(repeat.repeated()).isEqualTo(1);
        for (PutOutcome contradiction : List.of(otherKey, failed)) {
            VerifyCommand.Report r = VerifyCommand.check(List.of(a, contradiction), stored, 10);
            assertThat(r.contradictory()).isEqualTo(1);
            assertThat(r.problems()).singleElement().asString().contains("ingest 3-7 has contradictory outcomes");
            assertThat(r.ok(false)).isFalse();
        }
    }

    @Test
    void replicasWithDifferentBytesAreFlagged() {
        VerifyCommand.Report r = VerifyCommand.check(List.of(committed("k1", "QUORUM", 2, List.of("n1", "n2"), 0, 1)),
                Map.of("n1", holds("k1"), "n2", holds("k1", 0x9999L)), 10);
        assertThat(r.differingBytes()).isEqualTo(1);
        assertThat(r.ok(false)).isFalse();
    }

    @Test
    void failedOutcomesAreCountedNotChecked() {
        PutOutcome failed = new PutOutcome(null, "c", PutOutcome.Status.FAILED, null, 0, List.of(), List.of(), 0, List.of(), "bad", null);
        VerifyCommand.Report r = VerifyCommand.check(List.of(failed), Map.of("n1", Map.of()), 10);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.ok(true)).isTrue();
    }
}
