package alldata.client;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.protocol.DigestReport;
import alldata.protocol.RepairLines;
import alldata.protocol.RepairStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestComparisonTest {
    private static DigestReport.Entry e(long count, String xor) {
        return new DigestReport.Entry(count, xor);
    }

    @Test
    void everyPairIsComparedInEveryIntervalEitherSideHas() {
        Map<String, DigestReport> reports = Map.of(
                "n1", new DigestReport("n1", Map.of(
                        "20261125T04", Map.of("n2", e(2, "00000000000000aa"), "n3", e(1, "0000000000000001")),
                        "20261125T05", Map.of("n2", e(1, "0000000000000002"))), List.of()),
                "n2", new DigestReport("n2", Map.of(
                        "20261125T04", Map.of("n1", e(2, "00000000000000aa")),
                        "20261125T05", Map.of("n1", e(1, "0000000000000003"))), List.of()),
                "n3", new DigestReport("n3", Map.of(), List.of()));
        List<DigestComparison.Mismatch> m = DigestComparison.mismatches(reports);
        assertThat(m).containsExactly(
                new DigestComparison.Mismatch("20261125T04", "n1", "n3", e(1, "0000000000000001"), e(0, "0000000000000000")),
                new DigestComparison.Mismatch("20261125T05", "n1", "n2", e(1, "0000000000000002"), e(1, "0000000000000003")));
        assertThat(DigestComparison.intervals(reports)).isEqualTo(2);
    }

    @Test
    void keyDifferencesSayWhichSideListsWhatAndFlagDifferentBytes() {
        List<RepairLines.KeyLine> a = List.of(new RepairLines.KeyLine("k1", 3, 1), new RepairLines.KeyLine("k2", 3, 2),
                new RepairLines.KeyLine("k3", 3, 3));
        List<RepairLines.KeyLine> b = List.of(new RepairLines.KeyLine("k2", 3, 2), new RepairLines.KeyLine("k3", 3, 9),
                new RepairLines.KeyLine("k4", 3, 4));
        assertThat(DigestComparison.differences("n1", a, "n2", b)).containsExactly(
                new DigestComparison.KeyDifference("k1", "n1", "n2", false),
                new DigestComparison.KeyDifference("k3", "n1", "n2", true),
                new DigestComparison.KeyDifference("k4", "n2", "n1", false));
    }

    @Test
    void progressReadsAsABarOnATerminalAndAsWordsElsewhere() {
        assertThat(RepairProgress.bar(1, 4)).isEqualTo("[######------------------]  25%");
        assertThat(RepairProgress.bar(0, 0)).isEqualTo("[########################] 100%");
        RepairStatus running = new RepairStatus("node-1", "REPAIRING", "node-4 was dropped or decommissioned", null,
                "20261125T04", 2, 200, 50, 30, 1, 120, 0, 0, 0, 12.5, 12, 1, 0, null);
        assertThat(RepairProgress.line(running, true)).startsWith("node-1       REPAIRING      [######------------------]  25% 50/200 events")
                .contains("ETA 12 s").contains("interval 20261125T04").endsWith("(node-4 was dropped or decommissioned)");
        assertThat(RepairProgress.line(running, false)).doesNotContain("[").contains("50/200 events (25%), 30 copied, 120 under-replicated, 12.5/s");
        RepairStatus idle = new RepairStatus("node-2", "IDLE", null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 5,
                "periodic pass: 10 events looked at");
        assertThat(RepairProgress.line(idle, false)).isEqualTo("node-2       IDLE           0 under-replicated; last pass: periodic pass: 10 events looked at");
    }
}
