package alldata.sidecar.membership;

import alldata.core.Clock;
import alldata.core.FaultDomain;
import alldata.core.PeerLocation;
import alldata.core.Placement;
import alldata.protocol.MemberRecord;
import alldata.protocol.MembershipTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The membership view of one node: the membership topic folded into a {@link MembershipTable} (which record of a
 * member wins, and what a tombstone ends, is the table's rule), and which members are live (state UP and a
 * heartbeat younger than the session timeout). Fed by the {@link MembershipAgent}; read by the coordinator, the
 * HTTP API and repair.
 *
 * <p>A heartbeat's age says something about its member only while the feed that carries it flows. The feed
 * carries this node's own heartbeat every {@code membership.heartbeat.ms}, so when no record at all arrives for
 * half a session the feed itself stalled (the broker restarting or unreachable, the consumer behind): every member
 * heard from within a session of the stall's start stays live through the stall and for one session after the feed
 * resumes, long enough for its next heartbeat to arrive. (Only once the feed has carried this node's own heartbeat:
 * before that the node is starting up.) Otherwise a broker restart made every peer look dead at
 * once and the puts processed right after it FAILED for want of peers.
 */
public final class PeerDirectory {
    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);
    private final String selfId;
    private final String selfZone;
    private final String selfRegion;
    private final long sessionTimeoutMs;
    private final Clock clock;
    private final AtomicReference<MembershipTable> table = new AtomicReference<>(MembershipTable.empty());
    /** Arrivals on the membership feed, to tell a silent member from a stalled feed. */
    private final AtomicReference<Feed> feed = new AtomicReference<>(Feed.NEVER);
    /** The last planner and the live view it was made from; reused while the view stays the same. */
    private volatile PlannerSnapshot planner;

    private record PlannerSnapshot(List<Placement.Candidate> candidates, Placement.Planner planner, long atMs) {
    }

    /** How long a live view is reused before it is looked at again (placement also re-checks liveness per replica). */
    static final long PLANNER_REUSE_MS = 100;

    public PeerDirectory(String selfId, String selfZone, String selfRegion, long sessionTimeoutMs, Clock clock) {
        this.selfId = selfId;
        this.selfZone = selfZone;
        this.selfRegion = selfRegion;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.clock = clock;
    }

    /**
     * When the feed last delivered a record, and the last stall: the last arrival before it and the first after it
     * (0 before any). A gap counts as a stall only once the feed has carried this node's own heartbeat ({@code
     * steady}): until then the node is starting, and a gap after the topic's old records is no sign of a stall.
     */
    private record Feed(long lastArrivalMs, long stallStartMs, long resumedAtMs, boolean steady) {
        static final Feed NEVER = new Feed(0, 0, 0, false);

        Feed arrival(long nowMs, long stallMs, boolean ownHeartbeat) {
            if (stalled(nowMs, stallMs)) {
                return new Feed(nowMs, lastArrivalMs, nowMs, true);
            }
            return new Feed(Math.max(lastArrivalMs, nowMs), stallStartMs, resumedAtMs, steady || ownHeartbeat);
        }

        boolean stalled(long nowMs, long stallMs) {
            return steady && nowMs - lastArrivalMs > stallMs;
        }
    }

    /**
     * Applies a membership record read from the membership topic; {@code null} (a tombstone) removes the node.
     * Each call is an arrival on the feed.
     *
     * @throws IllegalArgumentException when {@code record} names another node than {@code nodeId}
     */
    public void apply(String nodeId, MemberRecord record) {
        long now = clock.nowMs();
        boolean own = nodeId.equals(selfId) && record != null;
        Feed before = feed.getAndUpdate(f -> f.arrival(now, stallMs(), own));
        if (before.stalled(now, stallMs())) {
            log.info("membership feed resumed after {} ms without records; members heard from before it stay live for"
                    + " {} ms while their heartbeats catch up", now - before.lastArrivalMs(), sessionTimeoutMs);
        }
        put(nodeId, record);
    }

    /** Applies this node's own record as it writes it, before the topic echoes it: not an arrival on the feed. */
    public void applyOwn(MemberRecord record) {
        put(record.node(), record);
    }

    /** The feed counts as stalled after this long without a record: half a session. */
    private long stallMs() {
        return sessionTimeoutMs / 2;
    }

    private void put(String nodeId, MemberRecord record) {
        table.updateAndGet(t -> t.apply(nodeId, record));
    }

    /** True when {@code nodeId} is UP with a recent heartbeat. */
    public boolean isLive(String nodeId) {
        MemberRecord r = get(nodeId);
        return r != null && live(r, clock.nowMs());
    }

    /** Every member's winning record, live or not, in node order. */
    public Collection<MemberRecord> all() {
        return table.get().members().values(); // a view of an immutable snapshot
    }

    /** The live members, this node included if it is live. */
    public List<MemberRecord> live() {
        long now = clock.nowMs();
        List<MemberRecord> out = new ArrayList<>();
        for (MemberRecord r : all()) {
            if (live(r, now)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * A peer a cluster read asks: any member but this node until its tombstone, because a member that went silent
     * (crashed, stopped, or only late with its heartbeats while busy) may still hold the only copies of some events.
     *
     * @param member      its last membership record
     * @param heard       whether its heartbeat is younger than the session timeout (UP or LEAVING alike: a node
     *                    announces LEAVING while its store refuses writes, and its replicas are still readable)
     * @param silentForMs how long ago its last heartbeat was written
     */
    public record ReadPeer(MemberRecord member, boolean heard, long silentForMs) {
        public String node() {
            return member.node();
        }

        /** Why a read might not reach it, for messages: empty when it was heard from lately. */
        public String silence() {
            return heard ? "" : "no heartbeat for " + Math.max(0, silentForMs) / 1000 + " s";
        }
    }

    /** Every member but this node, in node order, with whether it was heard from lately: whom a cluster read asks. */
    public List<ReadPeer> readPeers() {
        long now = clock.nowMs();
        List<ReadPeer> out = new ArrayList<>();
        for (MemberRecord r : all()) { // in node order
            if (!r.node().equals(selfId)) {
                out.add(new ReadPeer(r, heard(r, now), now - r.heartbeatMs()));
            }
        }
        return out;
    }

    /** The live peers (this node excluded) as placement candidates, located relative to this node. */
    public List<Placement.Candidate> liveCandidates() {
        long now = clock.nowMs();
        List<Placement.Candidate> out = new ArrayList<>();
        for (MemberRecord r : all()) {
            if (!r.node().equals(selfId) && live(r, now)) {
                out.add(new Placement.Candidate(r.node(), PeerLocation.relative(selfRegion, selfZone, r.region(), r.zone())));
            }
        }
        return out;
    }

    /**
     * A placement planner for the current live peers. Every put needs one: the view is looked at again at most
     * every {@value #PLANNER_REUSE_MS} ms, and the planner is rebuilt only when the live peers changed.
     */
    public Placement.Planner planner() {
        long now = clock.nowMs();
        PlannerSnapshot snap = planner;
        if (snap != null && now - snap.atMs() < PLANNER_REUSE_MS && now >= snap.atMs()) {
            return snap.planner();
        }
        List<Placement.Candidate> live = liveCandidates();
        live.sort((a, b) -> a.id().compareTo(b.id()));
        Placement.Planner p = snap != null && snap.candidates().equals(live) ? snap.planner() : Placement.Planner.of(selfId, live);
        planner = new PlannerSnapshot(live, p, now);
        return p;
    }

    /**
     * Members other than this node that are not live now but have not left for good (no tombstone) and are not
     * being decommissioned: restarting, paused or cut off. Most recently heard from first.
     */
    public List<String> silentMembers() {
        long now = clock.nowMs();
        List<MemberRecord> silent = new ArrayList<>();
        for (MemberRecord r : all()) {
            if (!r.node().equals(selfId) && r.state() != MemberRecord.State.DRAINING && !live(r, now)) {
                silent.add(r);
            }
        }
        silent.sort(java.util.Comparator.comparingLong(MemberRecord::heartbeatMs).reversed()
                .thenComparing(MemberRecord::node));
        return silent.stream().map(MemberRecord::node).toList();
    }

    /**
     * Where {@code nodeId} runs: this node's own zone and region, a member's from its last record (live or not), or
     * {@link FaultDomain#UNKNOWN} for a node no longer known.
     */
    public FaultDomain domainOf(String nodeId) {
        if (nodeId.equals(selfId)) {
            return new FaultDomain(selfRegion, selfZone);
        }
        MemberRecord r = get(nodeId);
        return r == null ? FaultDomain.UNKNOWN : new FaultDomain(r.region(), r.zone());
    }

    /** {@link #domainOf} of each node. */
    public Map<String, FaultDomain> domainsOf(Collection<String> nodes) {
        Map<String, FaultDomain> out = new java.util.HashMap<>();
        for (String n : nodes) {
            out.put(n, domainOf(n));
        }
        return out;
    }

    /** The member record of {@code nodeId}, or null for a node tombstoned or never seen. */
    public MemberRecord get(String nodeId) {
        return table.get().member(nodeId).orElse(null);
    }

    /** True when this node sees itself live in the membership view. */
    public boolean seesSelf() {
        return isLive(selfId);
    }

    public String selfId() {
        return selfId;
    }

    private boolean live(MemberRecord r, long now) {
        return r.state() == MemberRecord.State.UP && heard(r, now);
    }

    /** Whether {@code r}'s member counts as heard from: a recent heartbeat, or a stalled feed (see the class comment). */
    private boolean heard(MemberRecord r, long now) {
        if (r.heardWithin(sessionTimeoutMs, now)) {
            return true;
        }
        Feed f = feed.get();
        if (f.stalled(now, stallMs())) {
            return f.lastArrivalMs() - r.heartbeatMs() < sessionTimeoutMs; // stalled now
        }
        return f.stallStartMs() > 0 && now - f.resumedAtMs() < sessionTimeoutMs
                && f.stallStartMs() - r.heartbeatMs() < sessionTimeoutMs; // resumed lately
    }
}
