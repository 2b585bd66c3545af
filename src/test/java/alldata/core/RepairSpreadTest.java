package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Repair restores spread: an event whose holders span too few zones or regions gets a copy in a missing one. */
class RepairSpreadTest {
    /** RF 3, two other-zone replicas: three zones wanted. */
    private static final ReplicationStrategy THREE_ZONES = new ReplicationStrategy(3, 2, 0);
    private static final List<String> PLAN = List.of("n1", "n2", "n3");

    private static RepairView.Member up(String id, String zone) {
        return new RepairView.Member(id, NodeStatus.UP, zone, "r", 0);
    }

    private static RepairView view(String self, RepairView.Member... members) {
        return new RepairView(self, List.of(members));
    }

    @Test
    void theStrategyAsksForOneZonePerOtherZoneOrRegionReplicaAndOneRegionPerOtherRegionReplica() {
        assertThat(RepairPlanner.wantedSpread(THREE_ZONES)).isEqualTo(new SpreadRequirement(3, 1));
        assertThat(RepairPlanner.wantedSpread(new ReplicationStrategy(3, 1, 1))).isEqualTo(new SpreadRequirement(3, 2));
        assertThat(RepairPlanner.wantedSpread(new ReplicationStrategy(2, 2, 2))).isEqualTo(new SpreadRequirement(2, 2));
        assertThat(RepairPlanner.wantedSpread(new ReplicationStrategy(3, 0, 0))).isEqualTo(SpreadRequirement.NONE);
    }

    @Test
    void anEventInOneZoneGetsACopyInAMissingZoneOnceOneIsLive() {
        RepairView v = view("n1", up("n1", "a"), up("n2", "a"), up("n3", "a"), up("n4", "b"), up("n5", "b"), up("n6", "c"));

        assertThat(RepairPlanner.placementShort(PLAN, 3, 1000, v, THREE_ZONES)).isEqualTo("n4");
        assertThat(RepairPlanner.needsRepair(PLAN, 3, 1000, v)).as("count alone: fine").isFalse();
        assertThat(RepairPlanner.needsRepair(PLAN, 3, 1000, v, THREE_ZONES)).isTrue();
        RepairDecision d = RepairPlanner.decide("k", PLAN, 3, 1000, RepairPlanner.Holdings.of(Set.copyOf(PLAN)), v,
                THREE_ZONES, false);
        assertThat(d).isEqualTo(new RepairDecision.Place(List.of("n4"), List.of("n1", "n2", "n3", "n4")));
    }

    @Test
    void onceSpreadTheEventIsHealthyWithItsExtraReplica() {
        RepairView v = view("n1", up("n1", "a"), up("n2", "a"), up("n3", "a"), up("n4", "b"), up("n6", "c"));
        List<String> plan = List.of("n1", "n2", "n3", "n4", "n6");

        assertThat(RepairPlanner.placementShort(plan, 3, 1000, v, THREE_ZONES)).isNull();
        assertThat(RepairPlanner.decide("k", plan, 3, 1000, RepairPlanner.Holdings.of(Set.copyOf(plan)), v, THREE_ZONES,
                false)).isInstanceOf(RepairDecision.Healthy.class);
    }

    @Test
    void withNoNodeInAMissingZoneNothingIsCopied() {
        RepairView v = view("n1", up("n1", "a"), up("n2", "a"), up("n3", "a"),
                new RepairView.Member("n4", NodeStatus.DOWN, "b", "r", 0));

        assertThat(RepairPlanner.placementShort(PLAN, 3, 1000, v, THREE_ZONES)).isNull();
        assertThat(RepairPlanner.decide("k", PLAN, 3, 1000, RepairPlanner.Holdings.of(Set.copyOf(PLAN)), v, THREE_ZONES,
                false)).isInstanceOf(RepairDecision.Healthy.class);
    }

    @Test
    void aHolderThatIsOnlyDownStillCountsForItsZone() {
        RepairView v = view("n1", up("n1", "a"), new RepairView.Member("n2", NodeStatus.DOWN, "b", "r", 0),
                up("n3", "c"), up("n4", "b"));

        assertThat(RepairPlanner.placementShort(PLAN, 3, 1000, v, THREE_ZONES)).as("a restart must not set off copying")
                .isNull();
    }

    @Test
    void onlyTheFirstVerifiedHolderCopies() {
        RepairView v = view("n2", up("n1", "a"), up("n2", "a"), up("n3", "a"), up("n4", "b"));

        assertThat(RepairPlanner.decide("k", PLAN, 3, 1000, RepairPlanner.Holdings.of(Set.copyOf(PLAN)), v, THREE_ZONES,
                false)).isEqualTo(new RepairDecision.NotMine("n1"));
    }
}
