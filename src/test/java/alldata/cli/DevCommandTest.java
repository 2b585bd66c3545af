package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevCommandTest {
    @Test
    void demoCountsAckedReplicasPerZoneNotPlannedOnes() {
        DevCommand.AckedPerZone tally = new DevCommand.AckedPerZone(Map.of("node-1", "a", "node-2", "b", "node-3", "c"));
        // a QUORUM put at RF 3 planned on all three nodes, committed when node-1 and node-3 had acked
        tally.add(List.of("node-1", "node-3"));
        tally.add(List.of("node-2", "node-1"));
        assertThat(tally).hasToString(" a=2 b=1 c=1");
    }

    @Test
    void zonesWithoutAckedReplicasShowZero() {
        DevCommand.AckedPerZone tally = new DevCommand.AckedPerZone(Map.of("node-1", "a", "node-2", "b"));
        tally.add(List.of("node-1"));
        assertThat(tally).hasToString(" a=1 b=0");
    }
}
