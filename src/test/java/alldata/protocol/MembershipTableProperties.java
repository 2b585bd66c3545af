package alldata.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * The membership fold over random topics: records of four nodes with heartbeats that differ per node (so a newer
 * record always wins), in random orders, with tombstones and unreadable records mixed in.
 */
class MembershipTableProperties {
    private static final List<String> NODES = List.of("node-1", "node-2", "node-3", "node-4");

    private static MembershipTable fold(List<MembershipTable.Entry> entries) {
        MembershipTable t = MembershipTable.empty();
        for (MembershipTable.Entry e : entries) {
            t = t.apply(e);
        }
        return t;
    }

    private static List<MembershipTable.Entry> entries(List<MemberRecord> records) {
        return records.stream().map(r -> new MembershipTable.Entry(r.node(), r)).toList();
    }

    private static MembershipTable.Entry tombstone(String node) {
        return new MembershipTable.Entry(node, null);
    }

    /** Each node's newest record. */
    private static Map<String, MemberRecord> newest(List<MemberRecord> records) {
        return records.stream().collect(Collectors.toMap(MemberRecord::node, r -> r,
                (a, b) -> a.heartbeatMs() >= b.heartbeatMs() ? a : b, TreeMap::new));
    }

    @Provide
    Arbitrary<MemberRecord> record() {
        return Combinators.combine(Arbitraries.of(NODES), Arbitraries.of(MemberRecord.State.class),
                        Arbitraries.of("a", "b"), Arbitraries.longs().between(1_000, 1_040),
                        Arbitraries.of("10.0.0.1:8080", "10.0.0.2:8443"), Arbitraries.of(false, true),
                        Arbitraries.of("inc-1", "inc-2"))
                .as((node, state, zone, heartbeat, http, https, incarnation) -> new MemberRecord(node, zone, "eu",
                        "alldata.node." + node + ".commands", http, state, heartbeat, https, incarnation, 0));
    }

    /** Records of random nodes, no two of one node with the same heartbeat. */
    @Provide
    Arbitrary<List<MemberRecord>> records() {
        return record().list().ofMaxSize(24).uniqueElements(r -> r.node() + "@" + r.heartbeatMs());
    }

    /** The same records in two orders. */
    @Provide
    Arbitrary<Tuple2<List<MemberRecord>, List<MemberRecord>>> twoOrders() {
        return records().flatMap(rs -> Arbitraries.shuffle(rs).map(other -> Tuple.of(rs, other)));
    }

    @Property
    void anyOrderOfTheRecordsGivesTheSameTable(@ForAll("twoOrders") Tuple2<List<MemberRecord>, List<MemberRecord>> orders) {
        assertThat(fold(entries(orders.get2()))).isEqualTo(fold(entries(orders.get1())));
    }

    @Property
    void eachMembersNewestRecordWins(@ForAll("records") List<MemberRecord> records) {
        MembershipTable t = fold(entries(records));
        assertThat(t.members()).isEqualTo(newest(records));
        assertThat(t.tombstonedNodes()).isEmpty();
    }

    @Property
    void aTombstoneAfterANodesRecordsRemovesItAndNoOtherNode(@ForAll("records") List<MemberRecord> records,
                                                             @ForAll("nodes") String gone,
                                                             @ForAll("fractions") double where) {
        // the tombstone anywhere after the node's last record; other nodes' records may follow it
        int last = -1;
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).node().equals(gone)) {
                last = i;
            }
        }
        int at = last + 1 + (int) (where * (records.size() - last - 1));
        List<MembershipTable.Entry> topic = new ArrayList<>(entries(records));
        topic.add(at, tombstone(gone));

        MembershipTable t = fold(topic);
        assertThat(t.member(gone)).isEmpty();
        assertThat(t.tombstoned(gone)).isTrue();
        Map<String, MemberRecord> others = newest(records);
        others.remove(gone);
        assertThat(t.members()).isEqualTo(others);
    }

    @Property
    void afterATombstoneOnlyARecordNewerThanEveryEarlierOneRejoinsTheNode(
            @ForAll("records") List<MemberRecord> before, @ForAll("records") List<MemberRecord> after) {
        // node-1's records before its tombstone, then more of them (any order, a repeat of an earlier one too)
        List<MemberRecord> early = before.stream().filter(r -> r.node().equals("node-1")).toList();
        List<MemberRecord> late = after.stream().filter(r -> r.node().equals("node-1")).toList();
        List<MembershipTable.Entry> topic = new ArrayList<>(entries(early));
        topic.add(tombstone("node-1"));
        topic.addAll(entries(late));

        MembershipTable t = fold(topic);
        long floor = early.stream().mapToLong(MemberRecord::heartbeatMs).max().orElse(Long.MIN_VALUE);
        MemberRecord newestLate = late.stream().max(Comparator.comparingLong(MemberRecord::heartbeatMs)).orElse(null);
        if (newestLate != null && newestLate.heartbeatMs() > floor) {
            assertThat(t.member("node-1")).as("rejoined").contains(newestLate);
            assertThat(t.tombstoned("node-1")).isFalse();
        } else {
            assertThat(t.member("node-1")).as("stale records read late do not bring it back").isEmpty();
            assertThat(t.tombstoned("node-1")).isTrue();
        }
    }

    @Provide
    Arbitrary<String> nodes() {
        return Arbitraries.of(NODES);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, true, 1, false).ofScale(3);
    }

    /** A raw record of the membership topic: key and value bytes. */
    private record Raw(byte[] key, byte[] value) {
        static Raw of(MembershipTable.Entry e) {
            return new Raw(e.node().getBytes(StandardCharsets.UTF_8), e.tombstone() ? null : Wire.encode(e.record()));
        }
    }

    /** Records no reader can use: no key, not JSON, JSON null, a record of another node, a record lacking fields. */
    @Provide
    Arbitrary<Raw> unreadable() {
        MemberRecord other = new MemberRecord("node-9", "a", "eu", "c", "h:1", MemberRecord.State.UP, 2_000);
        return Arbitraries.of(
                new Raw(null, Wire.encode(other)),
                new Raw(null, null),
                new Raw(bytes("node-1"), bytes("{not json")),
                new Raw(bytes("node-2"), bytes("null")),
                new Raw(bytes("node-3"), Wire.encode(other)),
                new Raw(bytes("node-4"), bytes("{\"node\":\"node-4\",\"heartbeatMs\":5000}")),
                new Raw(bytes("node-1"), new byte[] {(byte) 0xff, 0x00, 0x7b}));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Property
    void unreadableRecordsAreSkippedWithoutLosingTheOthers(@ForAll("records") List<MemberRecord> records,
                                                          @ForAll("nodes") String gone,
                                                          @ForAll("unreadableAt") List<Tuple2<Double, Raw>> junk) {
        List<MembershipTable.Entry> topic = new ArrayList<>(entries(records));
        topic.add(tombstone(gone));
        List<Raw> raw = new ArrayList<>(topic.stream().map(Raw::of).toList());
        for (Tuple2<Double, Raw> j : junk) {
            raw.add((int) (j.get1() * (raw.size() + 1)), j.get2());
        }
        MembershipTable t = MembershipTable.empty();
        for (Raw r : raw) {
            t = t.applyRaw(r.key(), r.value());
        }
        assertThat(t).isEqualTo(fold(topic));
    }

    @Provide
    Arbitrary<List<Tuple2<Double, Raw>>> unreadableAt() {
        return Combinators.combine(fractions(), unreadable()).as(Tuple::of).list().ofMaxSize(8);
    }
}
