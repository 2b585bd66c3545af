package alldata.protocol;

import alldata.core.FaultDomain;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The membership topic folded into one immutable table: the one place that says which nodes are members, with
 * what record, and which were dropped or decommissioned. Every reader of the topic (the sidecar's live view, its
 * startup check, and the CLI) folds the records through {@link #apply} and asks this table, so that they agree.
 *
 * <p>The merge rule, per node id (the record key):
 * <ul>
 *   <li>A record's version is its {@code heartbeatMs}: the only order a record carries (incarnation ids are
 *       random, and a node's new incarnation is a later process, so its heartbeats are newer). The record with the
 *       newest heartbeat wins whatever order the records are read in; between two with the same heartbeat, the one
 *       read later wins (one writer wrote them in that order). A record older than the one held is stale: ignored.</li>
 *   <li>A tombstone (dropped or decommissioned) ends the node's membership, whatever came before it. A record read
 *       after it rejoins the node only when its heartbeat is newer than every record of the node read before: a node
 *       that was dropped while alive heartbeats again, a node restarted on an empty store after its decommission is a
 *       new incarnation; a stale record read late is neither.</li>
 *   <li>A record without a key, one that is not a {@link MemberRecord}, or one whose {@code node} is not its key, is
 *       skipped ({@link #decode}); the others still count.</li>
 * </ul>
 *
 * <p>Who exists: {@link #members()} (every node whose tombstone does not stand). Who is live: {@link #live} (UP with
 * a heartbeat younger than the session timeout, {@link MemberRecord#liveWithin}).
 */
public final class MembershipTable {
    private static final MembershipTable EMPTY = new MembershipTable(Map.of());

    /**
     * What the table knows of one node id.
     *
     * @param newest     the node's newest record read (kept after its tombstone, as the floor a rejoin must beat), or
     *                   null when only a tombstone was read
     * @param tombstoned whether its tombstone stands
     */
    private record Standing(MemberRecord newest, boolean tombstoned) {
    }

    private final Map<String, Standing> nodes;
    /** The members in node order, made once: a table is read far more often than it changes. */
    private final SortedMap<String, MemberRecord> members;

    private MembershipTable(Map<String, Standing> nodes) {
        this.nodes = nodes;
        SortedMap<String, MemberRecord> m = new TreeMap<>();
        nodes.forEach((node, s) -> {
            if (!s.tombstoned()) {
                m.put(node, s.newest());
            }
        });
        this.members = Collections.unmodifiableSortedMap(m);
    }

    /** The table before any record. */
    public static MembershipTable empty() {
        return EMPTY;
    }

    /**
     * One record of the membership topic, decoded.
     *
     * @param node   the node id (the record's key)
     * @param record its record, or null for a tombstone
     */
    public record Entry(String node, MemberRecord record) {
        public Entry {
            Objects.requireNonNull(node, "node");
            if (record != null && !record.node().equals(node)) {
                throw new IllegalArgumentException("the record of " + record.node() + " is keyed " + node);
            }
        }

        public boolean tombstone() {
            return record == null;
        }
    }

    /**
     * Decodes a record of the membership topic.
     *
     * @param key   the node id, UTF-8
     * @param value a {@link MemberRecord} as JSON, or null for a tombstone
     * @throws MalformedRecordException when it has no key, its value is not a member record, or the record names
     *                                  another node than its key
     */
    public static Entry decode(byte[] key, byte[] value) {
        if (key == null) {
            throw new MalformedRecordException("membership record without a key");
        }
        String node = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            return new Entry(node, null);
        }
        MemberRecord record;
        try {
            record = Wire.decode(value, MemberRecord.class);
        } catch (MalformedRecordException e) {
            throw new MalformedRecordException("membership record of " + node + ": " + e.getMessage(), e);
        }
        if (record == null) {
            throw new MalformedRecordException("membership record of " + node + " is JSON null");
        }
        if (!record.node().equals(node)) {
            throw new MalformedRecordException("membership record keyed " + node + " names node " + record.node());
        }
        return new Entry(node, record);
    }

    /** {@link #apply(Entry)} of the decoded record; a record {@link #decode} refuses changes nothing. */
    public MembershipTable applyRaw(byte[] key, byte[] value) {
        try {
            return apply(decode(key, value));
        } catch (MalformedRecordException e) {
            return this; // a record of a version this reader cannot read says nothing it can use
        }
    }

    /**
     * The table after one more record, read after the ones already applied (see the class comment for the rule).
     *
     * @param node   the node id (the record's key)
     * @param record the node's record, or null for its tombstone
     * @return the changed table, or this one when the record changes nothing (stale, or a repeated tombstone)
     * @throws IllegalArgumentException when {@code record} names another node than {@code node}
     */
    public MembershipTable apply(String node, MemberRecord record) {
        return apply(new Entry(node, record));
    }

    /** {@link #apply(String, MemberRecord)} of an entry. */
    public MembershipTable apply(Entry entry) {
        String node = entry.node();
        MemberRecord record = entry.record();
        Standing was = nodes.get(node);
        if (record == null) {
            return was != null && was.tombstoned() ? this
                    : with(node, new Standing(was == null ? null : was.newest(), true));
        }
        if (was != null && was.newest() != null) {
            long held = was.newest().heartbeatMs();
            if (record.heartbeatMs() < held || (was.tombstoned() && record.heartbeatMs() == held)) {
                return this; // stale: older than what is held, or no newer than what the tombstone ended
            }
        }
        return with(node, new Standing(record, false));
    }

    private MembershipTable with(String node, Standing standing) {
        Map<String, Standing> next = new HashMap<>(nodes);
        next.put(node, standing);
        return new MembershipTable(Map.copyOf(next));
    }

    /** Every member (its tombstone does not stand) in node order, with its winning record. */
    public SortedMap<String, MemberRecord> members() {
        return members;
    }

    /** The winning record of {@code node} while it is a member; empty for a node tombstoned or never seen. */
    public Optional<MemberRecord> member(String node) {
        Standing s = nodes.get(node);
        return s == null || s.tombstoned() ? Optional.empty() : Optional.of(s.newest());
    }

    /** Whether {@code node}'s tombstone stands: it was dropped or decommissioned and has not rejoined since. */
    public boolean tombstoned(String node) {
        Standing s = nodes.get(node);
        return s != null && s.tombstoned();
    }

    /** The nodes whose tombstone stands, in node order. */
    public SortedSet<String> tombstonedNodes() {
        SortedSet<String> out = new TreeSet<>();
        nodes.forEach((node, s) -> {
            if (s.tombstoned()) {
                out.add(node);
            }
        });
        return Collections.unmodifiableSortedSet(out);
    }

    /** Whether {@code node} is a live member at {@code nowMs} ({@link MemberRecord#liveWithin}). */
    public boolean isLive(String node, long nowMs, long sessionTimeoutMs) {
        return member(node).map(r -> r.liveWithin(sessionTimeoutMs, nowMs)).orElse(false);
    }

    /** The live members at {@code nowMs}, in node order. */
    public List<MemberRecord> live(long nowMs, long sessionTimeoutMs) {
        List<MemberRecord> out = new ArrayList<>();
        for (MemberRecord r : members.values()) {
            if (r.liveWithin(sessionTimeoutMs, nowMs)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Member → base URL of its HTTP API ({@link MemberRecord#httpUrl()}), for the members that announce one. */
    public SortedMap<String, String> httpAddresses() {
        SortedMap<String, String> out = new TreeMap<>();
        members.forEach((node, r) -> {
            if (r.http() != null) {
                out.put(node, r.httpUrl());
            }
        });
        return Collections.unmodifiableSortedMap(out);
    }

    /** Member → where it runs. */
    public SortedMap<String, FaultDomain> domains() {
        SortedMap<String, FaultDomain> out = new TreeMap<>();
        members.forEach((node, r) -> out.put(node, new FaultDomain(r.region(), r.zone())));
        return Collections.unmodifiableSortedMap(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MembershipTable t && nodes.equals(t.nodes);
    }

    @Override
    public int hashCode() {
        return nodes.hashCode();
    }

    @Override
    public String toString() {
        return "MembershipTable" + new TreeMap<>(nodes);
    }
}
