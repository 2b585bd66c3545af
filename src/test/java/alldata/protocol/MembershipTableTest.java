package alldata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.FaultDomain;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The membership fold on examples: what each reader of the topic relies on. */
class MembershipTableTest {
    private static final long SESSION = 10_000;

    private static MemberRecord record(String node, MemberRecord.State state, long heartbeatMs) {
        return new MemberRecord(node, "a", "eu", "alldata.node." + node + ".commands", node + ":8080", state, heartbeatMs);
    }

    private static MemberRecord up(String node, long heartbeatMs) {
        return record(node, MemberRecord.State.UP, heartbeatMs);
    }

    private static byte[] key(String node) {
        return node.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theNewestHeartbeatWinsAndATieGoesToTheRecordReadLater() {
        MembershipTable t = MembershipTable.empty()
                .apply("node-2", up("node-2", 99_000))
                .apply("node-2", record("node-2", MemberRecord.State.LEAVING, 95_000)); // older, read later: stale
        assertThat(t.member("node-2")).contains(up("node-2", 99_000));
        t = t.apply("node-2", record("node-2", MemberRecord.State.LEAVING, 99_000)); // one writer, same millisecond
        assertThat(t.member("node-2").orElseThrow().state()).isEqualTo(MemberRecord.State.LEAVING);
    }

    @Test
    void aStaleRecordChangesNothing() {
        MembershipTable t = MembershipTable.empty().apply("node-2", up("node-2", 99_000));
        assertThat(t.apply("node-2", up("node-2", 98_000))).isSameAs(t);
    }

    @Test
    void aTombstoneEndsMembershipAndIsToldApartFromANodeNeverSeen() {
        MembershipTable t = MembershipTable.empty()
                .apply("node-1", up("node-1", 100_000))
                .apply("node-2", up("node-2", 100_000))
                .apply("node-2", null)
                .apply("node-3", null); // only a tombstone left after compaction: decommissioned long ago
        assertThat(t.members()).containsOnlyKeys("node-1");
        assertThat(t.member("node-2")).isEmpty();
        assertThat(t.tombstoned("node-2")).isTrue();
        assertThat(t.tombstoned("node-3")).isTrue();
        assertThat(t.tombstoned("node-4")).as("never seen").isFalse();
        assertThat(t.tombstonedNodes()).containsExactly("node-2", "node-3");
    }

    @Test
    void aNodeDroppedWhileAliveRejoinsWithItsNextHeartbeat() {
        // peers drop of a live node: its next heartbeat brings it back
        MembershipTable t = MembershipTable.empty()
                .apply("node-2", up("node-2", 100_000))
                .apply("node-2", null)
                .apply("node-2", up("node-2", 101_000));
        assertThat(t.member("node-2")).contains(up("node-2", 101_000));
        assertThat(t.tombstoned("node-2")).isFalse();
    }

    @Test
    void aNodeBackWithANewIncarnationAfterItsDecommissionRejoins() {
        MemberRecord old = new MemberRecord("node-2", "a", "eu", "c", "h:1", MemberRecord.State.DRAINING, 100_000, false,
                "inc-1", 0);
        MemberRecord fresh = new MemberRecord("node-2", "a", "eu", "c", "h:1", MemberRecord.State.UP, 500_000, false,
                "inc-2", 500_000);
        MembershipTable t = MembershipTable.empty().apply("node-2", old).apply("node-2", null).apply("node-2", fresh);
        assertThat(t.member("node-2")).contains(fresh);
    }

    @Test
    void aRecordReadAfterTheTombstoneButNoNewerThanTheRecordsBeforeItDoesNotBringTheNodeBack() {
        MembershipTable t = MembershipTable.empty()
                .apply("node-2", up("node-2", 100_000))
                .apply("node-2", null)
                .apply("node-2", record("node-2", MemberRecord.State.LEAVING, 100_000)) // the same time: a late echo
                .apply("node-2", up("node-2", 90_000)); // an older process's record, written late
        assertThat(t.member("node-2")).isEmpty();
        assertThat(t.tombstoned("node-2")).isTrue();
    }

    @Test
    void aTombstoneOfANodeNeverSeenLetsAnyRecordJoin() {
        MembershipTable t = MembershipTable.empty().apply("node-2", null).apply("node-2", up("node-2", 1));
        assertThat(t.member("node-2")).contains(up("node-2", 1));
    }

    @Test
    void aMemberIsLiveWhileUpAndHeardWithinTheSession() {
        MembershipTable t = MembershipTable.empty()
                .apply("node-1", up("node-1", 100_000))
                .apply("node-2", record("node-2", MemberRecord.State.LEAVING, 100_000))
                .apply("node-3", record("node-3", MemberRecord.State.DRAINING, 100_000))
                .apply("node-4", up("node-4", 100_000 - SESSION));
        assertThat(t.live(100_000, SESSION)).extracting(MemberRecord::node).containsExactly("node-1");
        assertThat(t.isLive("node-1", 100_000 + SESSION - 1, SESSION)).isTrue();
        assertThat(t.isLive("node-1", 100_000 + SESSION, SESSION)).isFalse();
        assertThat(t.isLive("node-2", 100_000, SESSION)).as("LEAVING, heard lately").isFalse();
        assertThat(t.member("node-2").orElseThrow().heardWithin(SESSION, 100_000)).isTrue();
        assertThat(t.isLive("node-9", 100_000, SESSION)).isFalse();
        assertThat(t.apply("node-1", null).isLive("node-1", 100_000, SESSION)).as("tombstoned").isFalse();
    }

    @Test
    void httpAddressesAreTheMembersOnesWithTheirSchemeAndLeaveATombstonedNodeOut() {
        MemberRecord tls = new MemberRecord("node-3", "b", "us", "c", "h3:8443", MemberRecord.State.UP, 1, true, null, 0);
        MembershipTable t = MembershipTable.empty()
                .apply("node-1", up("node-1", 1))
                .apply("node-2", up("node-2", 1))
                .apply("node-3", tls)
                .apply("node-4", new MemberRecord("node-4", "a", "eu", "c", null, MemberRecord.State.UP, 1))
                .apply("node-2", null);
        assertThat(t.httpAddresses()).containsExactly(
                java.util.Map.entry("node-1", "http://node-1:8080"), java.util.Map.entry("node-3", "https://h3:8443"));
        assertThat(t.domains()).containsEntry("node-3", new FaultDomain("us", "b")).doesNotContainKey("node-2")
                .containsKey("node-4");
    }

    @Test
    void decodeReadsRecordsAndTombstonesAndRefusesWhatNoReaderCanUse() {
        MemberRecord r = up("node-1", 5);
        assertThat(MembershipTable.decode(key("node-1"), Wire.encode(r))).isEqualTo(new MembershipTable.Entry("node-1", r));
        assertThat(MembershipTable.decode(key("node-1"), null).tombstone()).isTrue();
        assertThatThrownBy(() -> MembershipTable.decode(null, Wire.encode(r)))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("without a key");
        assertThatThrownBy(() -> MembershipTable.decode(key("node-2"), Wire.encode(r)))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("keyed node-2 names node node-1");
        assertThatThrownBy(() -> MembershipTable.decode(key("node-1"), "null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> MembershipTable.decode(key("node-1"), "{\"node\":\"node-1\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class).hasMessageStartingWith("membership record of node-1: ");
    }

    @Test
    void anUnreadableRecordIsSkippedAndTheOthersCount() {
        MembershipTable t = MembershipTable.empty()
                .applyRaw(key("node-1"), Wire.encode(up("node-1", 1)))
                .applyRaw(key("node-1"), "{garbage".getBytes(StandardCharsets.UTF_8))
                .applyRaw(null, null)
                .applyRaw(key("node-2"), Wire.encode(up("node-2", 1)));
        assertThat(t.members()).containsOnlyKeys("node-1", "node-2");
    }

    @Test
    void applyRefusesARecordOfAnotherNode() {
        assertThatThrownBy(() -> MembershipTable.empty().apply("node-2", up("node-1", 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
