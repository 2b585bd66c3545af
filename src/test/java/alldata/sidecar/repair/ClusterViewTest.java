package alldata.sidecar.repair;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.NodeStatus;
import alldata.core.RepairView;
import alldata.protocol.MemberRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterViewTest {
    private static final long NOW = 1_000_000;
    private static final long SESSION = 10_000;
    private static final long DELAY = 600_000;
    private static final ClusterView.Self SELF = new ClusterView.Self("n1", "a", "r", 0, false);

    private static MemberRecord member(String id, MemberRecord.State state, long heartbeatMs, long incarnationStart) {
        return new MemberRecord(id, "z", "r", "t", "h", state, heartbeatMs, false, "inc-" + incarnationStart, incarnationStart);
    }

    private static RepairView view(long now, ClusterView.Self self, MemberRecord... records) {
        return ClusterView.of(self, List.of(records), now, SESSION, DELAY, 0);
    }

    @Test
    void statusFollowsTheHeartbeatAgeAndTheAnnouncedState() {
        RepairView v = view(NOW, SELF, member("up", MemberRecord.State.UP, NOW - 1_000, 0),
                member("draining", MemberRecord.State.DRAINING, NOW - 1_000, 0),
                member("leaving", MemberRecord.State.LEAVING, NOW - 1_000, 0),
                member("down", MemberRecord.State.UP, NOW - SESSION, 0),
                member("stopped", MemberRecord.State.LEAVING, NOW - 60_000, 0),
                member("lost", MemberRecord.State.UP, NOW - DELAY, 0),
                member("n1", MemberRecord.State.LEAVING, NOW - DELAY * 2, 0));
        assertThat(v.status("up")).isEqualTo(NodeStatus.UP);
        assertThat(v.status("draining")).isEqualTo(NodeStatus.DRAINING);
        assertThat(v.status("leaving")).isEqualTo(NodeStatus.LEAVING);
        assertThat(v.status("down")).isEqualTo(NodeStatus.DOWN);
        assertThat(v.status("stopped")).as("a cleanly stopped node is down, not gone").isEqualTo(NodeStatus.DOWN);
        assertThat(v.status("lost")).isEqualTo(NodeStatus.LOST);
        assertThat(v.status("never-seen")).isEqualTo(NodeStatus.LOST);
        assertThat(v.status("n1")).as("this node sees itself as it is").isEqualTo(NodeStatus.UP);
        assertThat(view(NOW, new ClusterView.Self("n1", "a", "r", 0, true)).status("n1")).isEqualTo(NodeStatus.DRAINING);
    }

    @Test
    void silenceOnlyCountsTowardsTheRepairDelayOnceThisNodeWatches() {
        MemberRecord longGone = member("b", MemberRecord.State.LEAVING, NOW - 2 * DELAY, 0);
        // this node just started after the whole cluster was down: b is down, not lost, until it had its chance
        assertThat(ClusterView.of(SELF, List.of(longGone), NOW, SESSION, DELAY, NOW - 5_000).status("b"))
                .isEqualTo(NodeStatus.DOWN);
        assertThat(ClusterView.of(SELF, List.of(longGone), NOW + DELAY, SESSION, DELAY, NOW).status("b"))
                .isEqualTo(NodeStatus.LOST);
        // a tombstone counts at once
        assertThat(ClusterView.of(SELF, List.of(), NOW, SESSION, DELAY, NOW).status("b")).isEqualTo(NodeStatus.LOST);
    }

    @Test
    void passesStartWhenANodeIsLostTombstonedOrRefillingOrThisNodeDrains() {
        MemberRecord b = member("b", MemberRecord.State.UP, NOW - 1_000, 0);
        MemberRecord c = member("c", MemberRecord.State.UP, NOW - 1_000, 0);
        RepairView before = view(NOW, SELF, b, c);

        assertThat(ClusterView.triggers(before, view(NOW + 5_000, SELF, b, c))).as("nothing happened").isEmpty();
        assertThat(ClusterView.triggers(before, view(NOW + 20_000, SELF, b, c))).as("only down").isEmpty();
        assertThat(ClusterView.triggers(before, view(NOW + DELAY, SELF, b, member("c", MemberRecord.State.UP, NOW + DELAY, 0))))
                .containsExactly("b has had no heartbeat for longer than repair.delay.ms");
        assertThat(ClusterView.triggers(before, view(NOW, SELF, b)))
                .containsExactly("c was dropped or decommissioned");
        assertThat(ClusterView.triggers(before, view(NOW + 1_000, SELF, b, member("c", MemberRecord.State.UP, NOW + 900, NOW + 500))))
                .containsExactly("c started a new incarnation on an empty store");
        assertThat(ClusterView.triggers(before, view(NOW, new ClusterView.Self("n1", "a", "r", 0, true), b, c)))
                .containsExactly("decommission of n1");
        RepairView lost = view(NOW + DELAY, SELF, b, member("c", MemberRecord.State.UP, NOW + DELAY, 0));
        assertThat(ClusterView.triggers(lost, view(NOW + DELAY + 1_000, SELF, b, member("c", MemberRecord.State.UP, NOW + DELAY, 0))))
                .as("still lost: no new pass").isEmpty();
    }
}
