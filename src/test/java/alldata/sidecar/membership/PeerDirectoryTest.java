package alldata.sidecar.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import alldata.core.PeerLocation;
import alldata.core.Placement;
import alldata.protocol.MemberRecord;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The membership view on an injected clock: node-1 in zone a of region eu, session timeout 10 s. */
class PeerDirectoryTest {
    private static final long TIMEOUT = 10_000;

    private final AtomicLong now = new AtomicLong(100_000);
    private final PeerDirectory directory = new PeerDirectory("node-1", "a", "eu", TIMEOUT, now::get);

    private static MemberRecord member(String node, String zone, String region, MemberRecord.State state, long heartbeatMs) {
        return new MemberRecord(node, zone, region, "alldata.node." + node + ".commands", "127.0.0.1:8080", state, heartbeatMs);
    }

    private static MemberRecord up(String node, String zone, String region, long heartbeatMs) {
        return member(node, zone, region, MemberRecord.State.UP, heartbeatMs);
    }

    /**
     * Lets time pass to {@code t} while the membership feed flows: a record arrives every second (a tombstone of a
     * node nobody knows, which changes no member), as this node's own heartbeats would.
     */
    private void feedFlowsUntil(long t) {
        while (now.get() < t) {
            now.set(Math.min(t, now.get() + 1000));
            directory.apply("node-0", null);
        }
    }

    @Test
    void aMemberIsLiveWhileItsHeartbeatIsYoungerThanTheSessionTimeout() {
        directory.apply("node-2", up("node-2", "a", "eu", 100_000));
        assertThat(directory.isLive("node-2")).isTrue();
        feedFlowsUntil(100_000 + TIMEOUT - 1);
        assertThat(directory.isLive("node-2")).isTrue();
        assertThat(directory.live()).extracting(MemberRecord::node).containsExactly("node-2");
        feedFlowsUntil(100_000 + TIMEOUT);
        assertThat(directory.isLive("node-2")).isFalse();
        assertThat(directory.live()).isEmpty();
        assertThat(directory.all()).extracting(MemberRecord::node).containsExactly("node-2"); // still known
    }

    @Test
    void readPeersAreEveryOtherMemberWithWhetherItWasHeardFromLately() {
        directory.apply("node-1", up("node-1", "a", "eu", 100_000));
        directory.apply("node-3", member("node-3", "b", "eu", MemberRecord.State.LEAVING, 99_000));
        directory.apply("node-2", up("node-2", "b", "eu", 100_000));
        directory.apply("node-4", up("node-4", "b", "eu", 100_000 - TIMEOUT));
        assertThat(directory.readPeers()).extracting(PeerDirectory.ReadPeer::node, PeerDirectory.ReadPeer::heard)
                .containsExactly(tuple("node-2", true), tuple("node-3", true), tuple("node-4", false));
        feedFlowsUntil(99_000 + TIMEOUT);
        assertThat(directory.readPeers()).extracting(PeerDirectory.ReadPeer::node, PeerDirectory.ReadPeer::heard)
                .containsExactly(tuple("node-2", true), tuple("node-3", false), tuple("node-4", false));
        assertThat(directory.readPeers().get(2).silence()).isEqualTo("no heartbeat for 19 s"); // written at 90 s, now 109 s
        assertThat(directory.readPeers().get(0).silence()).isEmpty();
        directory.apply("node-4", null);
        assertThat(directory.readPeers()).extracting(PeerDirectory.ReadPeer::node).containsExactly("node-2", "node-3");
    }

    @Test
    void aTombstoneRemovesTheMember() {
        directory.apply("node-2", up("node-2", "a", "eu", 100_000));
        directory.apply("node-2", null);
        assertThat(directory.get("node-2")).isNull();
        assertThat(directory.isLive("node-2")).isFalse();
        assertThat(directory.all()).isEmpty();
        directory.apply("node-3", null); // a tombstone of an unknown node changes nothing
        assertThat(directory.all()).isEmpty();
    }

    @Test
    void aRecordReadLateAfterATombstoneDoesNotBringTheMemberBackButItsNextHeartbeatDoes() {
        directory.apply("node-2", up("node-2", "a", "eu", 100_000));
        directory.apply("node-2", null);
        directory.apply("node-2", up("node-2", "a", "eu", 99_000)); // written before the tombstone, read after it
        assertThat(directory.get("node-2")).isNull();
        assertThat(directory.readPeers()).isEmpty();
        directory.apply("node-2", up("node-2", "a", "eu", 101_000)); // dropped while alive: it heartbeats again
        assertThat(directory.isLive("node-2")).isTrue();
    }

    @Test
    void theNewerHeartbeatWinsWhateverTheOrderRecordsArrive() {
        directory.apply("node-2", up("node-2", "b", "eu", 99_000));
        directory.apply("node-2", member("node-2", "b", "eu", MemberRecord.State.LEAVING, 95_000)); // older: ignored
        assertThat(directory.get("node-2").state()).isEqualTo(MemberRecord.State.UP);
        assertThat(directory.get("node-2").heartbeatMs()).isEqualTo(99_000);
        directory.apply("node-2", up("node-2", "c", "eu", 99_500)); // newer: replaces, a moved zone included
        assertThat(directory.get("node-2").zone()).isEqualTo("c");
        directory.apply("node-2", member("node-2", "c", "eu", MemberRecord.State.LEAVING, 99_500)); // same time: the later wins
        assertThat(directory.get("node-2").state()).isEqualTo(MemberRecord.State.LEAVING);
    }

    @Test
    void aLeavingMemberIsNotLiveEvenWithAFreshHeartbeat() {
        directory.apply("node-2", member("node-2", "b", "eu", MemberRecord.State.LEAVING, 100_000));
        assertThat(directory.isLive("node-2")).isFalse();
        assertThat(directory.live()).isEmpty();
        assertThat(directory.liveCandidates()).isEmpty();
        assertThat(directory.all()).hasSize(1);
    }

    @Test
    void liveCandidatesAreLocatedRelativeToThisNodeAndExcludeIt() {
        directory.apply("node-1", up("node-1", "a", "eu", 100_000));
        directory.apply("node-2", up("node-2", "a", "eu", 100_000));
        directory.apply("node-3", up("node-3", "b", "eu", 100_000));
        directory.apply("node-4", up("node-4", "a", "us", 100_000)); // zone a, but of another region
        directory.apply("node-5", up("node-5", "b", "eu", 100_000 - TIMEOUT)); // dead
        directory.apply("node-6", member("node-6", "c", "eu", MemberRecord.State.LEAVING, 100_000));
        assertThat(directory.liveCandidates()).containsExactlyInAnyOrder(
                new Placement.Candidate("node-2", PeerLocation.sameZone()),
                new Placement.Candidate("node-3", PeerLocation.zone("b")),
                new Placement.Candidate("node-4", PeerLocation.region("us")));
        assertThat(directory.live()).extracting(MemberRecord::node)
                .containsExactlyInAnyOrder("node-1", "node-2", "node-3", "node-4");
    }

    @Test
    void seesSelfOnlyWhileItsOwnRecordIsLive() {
        assertThat(directory.seesSelf()).isFalse();
        directory.apply("node-1", up("node-1", "a", "eu", 100_000));
        assertThat(directory.seesSelf()).isTrue();
        feedFlowsUntil(now.get() + TIMEOUT);
        assertThat(directory.seesSelf()).isFalse();
        directory.apply("node-1", member("node-1", "a", "eu", MemberRecord.State.LEAVING, now.get()));
        assertThat(directory.seesSelf()).isFalse();
        assertThat(directory.selfId()).isEqualTo("node-1");
    }

    @Test
    void thePlannerIsReusedWhileTheLiveViewHoldsAndFollowsItWhenAPeerDies() {
        directory.apply("node-2", up("node-2", "b", "eu", now.get()));
        directory.apply("node-3", up("node-3", "c", "eu", now.get()));
        alldata.core.ReplicationStrategy rf3 = new alldata.core.ReplicationStrategy(3, 2, 0);
        var first = directory.planner();
        assertThat(directory.planner()).isSameAs(first);
        assertThat(first.plan("k", rf3).replicas()).containsExactlyInAnyOrder("node-1", "node-2", "node-3");

        now.addAndGet(PeerDirectory.PLANNER_REUSE_MS);
        assertThat(directory.planner()).as("same live peers: same planner").isSameAs(first);

        feedFlowsUntil(now.get() + TIMEOUT); // both heartbeats age out
        directory.apply("node-2", up("node-2", "b", "eu", now.get()));
        assertThat(directory.planner().plan("k", rf3).replicas()).containsExactly("node-1", "node-2");
    }

    @Test
    void membersHeardFromWhenTheFeedStalledStayLiveThroughItAndOneSessionAfter() {
        // a broker restart: no record arrives for 30 s, then the heartbeats come back one by one
        directory.apply("node-1", up("node-1", "a", "eu", 100_000)); // the feed carries this node's own heartbeat
        directory.apply("node-2", up("node-2", "b", "eu", 100_000));
        directory.apply("node-3", up("node-3", "c", "eu", 100_000));
        directory.apply("node-5", up("node-5", "b", "eu", 100_000 - TIMEOUT)); // silent before the stall: dead
        now.set(130_000);
        assertThat(directory.liveCandidates()).extracting(Placement.Candidate::id).containsExactlyInAnyOrder("node-2", "node-3");
        directory.apply("node-3", up("node-3", "c", "eu", 130_000)); // the feed resumes
        assertThat(directory.isLive("node-2")).as("its heartbeat may be on its way").isTrue();
        assertThat(directory.isLive("node-5")).isFalse();
        feedFlowsUntil(130_000 + TIMEOUT - 1);
        assertThat(directory.isLive("node-2")).isTrue();
        feedFlowsUntil(130_000 + TIMEOUT);
        assertThat(directory.isLive("node-2")).as("a session after the feed resumed, still silent").isFalse();
        assertThat(directory.readPeers()).extracting(PeerDirectory.ReadPeer::node, PeerDirectory.ReadPeer::heard)
                .containsExactly(tuple("node-2", false), tuple("node-3", false), tuple("node-5", false));
    }

    @Test
    void aShortGapBetweenRecordsIsNotAStall() {
        directory.apply("node-1", up("node-1", "a", "eu", 100_000));
        directory.apply("node-2", up("node-2", "b", "eu", 100_000));
        feedFlowsUntil(100_000 + TIMEOUT); // records every second: the feed flows, node-2 is silent
        assertThat(directory.isLive("node-2")).isFalse();
        now.addAndGet(TIMEOUT / 2); // exactly half a session without a record: not yet a stall
        assertThat(directory.isLive("node-2")).isFalse();
        now.addAndGet(1); // past it: the feed stalled, but node-2 was silent for a session before
        assertThat(directory.isLive("node-2")).isFalse();
    }

    @Test
    void aGapWhileStartingIsNotAStall() {
        // the compacted topic read from its start: every record arrives now, however old its heartbeat; then nothing
        // until this node's first heartbeat comes back
        directory.apply("node-2", up("node-2", "b", "eu", 100_000 - 5 * TIMEOUT));
        directory.apply("node-3", up("node-3", "b", "eu", 100_000 - 1000));
        now.addAndGet(TIMEOUT / 2 + 1000);
        directory.apply("node-4", up("node-4", "b", "eu", now.get()));
        assertThat(directory.live()).extracting(MemberRecord::node).containsExactlyInAnyOrder("node-3", "node-4");
        now.addAndGet(TIMEOUT / 2);
        assertThat(directory.live()).as("node-3's heartbeat is a session old").extracting(MemberRecord::node)
                .containsExactly("node-4");
    }

    @Test
    void ownRecordsAreNotArrivalsOnTheFeed() {
        directory.apply("node-1", up("node-1", "a", "eu", 100_000));
        directory.apply("node-2", up("node-2", "b", "eu", 100_000));
        for (int i = 1; i <= 30; i++) {
            now.set(100_000 + i * 1000L);
            directory.applyOwn(up("node-1", "a", "eu", now.get())); // written, but the broker is down
        }
        assertThat(directory.seesSelf()).isTrue();
        assertThat(directory.isLive("node-2")).as("the feed stalled: node-2's silence says nothing").isTrue();
    }
}
