package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.protocol.MemberRecord;
import alldata.protocol.MembershipTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code peers list} from a membership table, without Kafka. */
class PeersCommandTest {
    private static final long NOW = 1_000_000;
    private static final long SESSION = 10_000;

    private static MemberRecord record(String node, MemberRecord.State state, long heartbeatMs) {
        return new MemberRecord(node, "a", "local", "alldata.node." + node + ".commands", "127.0.0.1:808" + node.charAt(5),
                state, heartbeatMs);
    }

    private static String list(MembershipTable t) {
        StringWriter out = new StringWriter();
        PeersCommand.list(t, NOW, SESSION, new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void listsEveryMemberInNodeOrderWithWhetherItIsLive() {
        MembershipTable t = MembershipTable.empty()
                .apply("node-3", record("node-3", MemberRecord.State.UP, NOW - SESSION)) // silent a whole session
                .apply("node-1", record("node-1", MemberRecord.State.UP, NOW - 2_000))
                .apply("node-2", record("node-2", MemberRecord.State.LEAVING, NOW));
        assertThat(list(t).lines()).containsExactly(
                "NODE             ZONE       REGION     STATE    LIVE  HEARTBEAT  HTTP",
                "node-1           a          local      UP       yes   2s ago     127.0.0.1:8081",
                "node-2           a          local      LEAVING  no    0s ago     127.0.0.1:8082",
                "node-3           a          local      UP       no    10s ago    127.0.0.1:8083");
    }

    @Test
    void aTombstonedNodeIsNotListedEvenWhenAnOlderRecordOfItIsReadAfterItsTombstone() {
        MembershipTable t = MembershipTable.empty()
                .apply("node-1", record("node-1", MemberRecord.State.UP, NOW))
                .apply("node-2", record("node-2", MemberRecord.State.UP, NOW))
                .apply("node-2", null)
                .apply("node-2", record("node-2", MemberRecord.State.LEAVING, NOW - 1));
        assertThat(list(t)).contains("node-1").doesNotContain("node-2");
    }
}
