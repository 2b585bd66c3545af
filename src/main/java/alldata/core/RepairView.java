package alldata.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One node's view of the cluster at one moment, as repair needs it: each known member's {@link NodeStatus},
 * location and refill time. A node the view does not know is {@link NodeStatus#LOST}. Immutable.
 */
public final class RepairView {
    /**
     * A member as repair sees it.
     *
     * @param id           node id
     * @param status       its status
     * @param zone         its zone
     * @param region       its region
     * @param refillSinceMs when its store last started empty (a new incarnation): replicas stored elsewhere before
     *                     this time are not on it, whatever the plans say; 0 when it holds all it was sent
     */
    public record Member(String id, NodeStatus status, String zone, String region, long refillSinceMs) {
        public Member {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(region, "region");
        }
    }

    private final String self;
    private final Map<String, Member> members;

    /** @param members every known member; {@code self} must be among them */
    public RepairView(String self, Collection<Member> members) {
        this.self = Objects.requireNonNull(self, "self");
        Map<String, Member> m = new TreeMap<>();
        for (Member member : members) {
            m.put(member.id(), member);
        }
        if (!m.containsKey(self)) {
            throw new IllegalArgumentException("the view of " + self + " must contain " + self);
        }
        this.members = Collections.unmodifiableMap(m);
    }

    /** Where {@code node} runs, or {@link FaultDomain#UNKNOWN} when it is not in the view. */
    public FaultDomain domainOf(String node) {
        Member m = members.get(node);
        return m == null ? FaultDomain.UNKNOWN : new FaultDomain(m.region(), m.zone());
    }

    public String self() {
        return self;
    }

    /** The status of {@code node}; {@link NodeStatus#LOST} when the view does not know it. */
    public NodeStatus status(String node) {
        Member m = members.get(node);
        return m == null ? NodeStatus.LOST : m.status();
    }

    /** When {@code node}'s store last started empty (0: it never did, or the view does not know the node). */
    public long refillSinceMs(String node) {
        Member m = members.get(node);
        return m == null ? 0 : m.refillSinceMs();
    }

    /**
     * Whether {@code node} may hold an event whose plan names it and was right at {@code planSinceMs}: it is not lost,
     * and its store did not start empty at or after that time (at the same millisecond it may have been wiped just
     * after the plan was written: asking again costs little, trusting wrongly loses a replica).
     */
    public boolean mayHold(String node, long planSinceMs) {
        long refill = refillSinceMs(node);
        return status(node) != NodeStatus.LOST && (refill == 0 || refill < planSinceMs);
    }

    /** Whether this node is being decommissioned. */
    public boolean selfDraining() {
        return status(self) == NodeStatus.DRAINING;
    }

    /** Every known member, by id. */
    public Collection<Member> members() {
        return members.values();
    }

    /** The members that heartbeat (and so can be asked what they hold), this node excluded, by id. */
    public List<String> askable() {
        List<String> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (!m.id().equals(self) && m.status().askable()) {
                out.add(m.id());
            }
        }
        return out;
    }

    /** The members that take replicas, as placement candidates located relative to {@code anchor}. */
    List<Placement.Candidate> candidatesAround(String anchor) {
        Member a = members.get(anchor);
        List<Placement.Candidate> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.status().takesReplicas() && !m.id().equals(anchor)) {
                PeerLocation where = a == null ? PeerLocation.sameZone()
                        : PeerLocation.relative(a.region(), a.zone(), m.region(), m.zone());
                out.add(new Placement.Candidate(m.id(), where));
            }
        }
        return out;
    }

    /** How many members take replicas. */
    public int takingReplicas() {
        return (int) members.values().stream().filter(m -> m.status().takesReplicas()).count();
    }

    @Override
    public String toString() {
        return "RepairView{self=" + self + ", members=" + members.values() + '}';
    }
}
