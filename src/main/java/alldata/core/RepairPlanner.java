package alldata.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The repair decision for one event, as pure functions: which events a node must look at, who repairs each,
 * and where the missing replicas go. No coordinator of coordinators: every node decides for the events it
 * holds, from its own membership view, and the rules make the nodes agree.
 *
 * <h2>Which events</h2>
 * {@link #needsRepair} is a cheap local test on the plan a node keeps beside each replica: the plan names a
 * {@linkplain NodeStatus#LOST lost} node, or a node whose store started empty after this replica was stored (a
 * new incarnation, "refilling"), or a draining node, or fewer distinct nodes than the replication factor (owed
 * replicas: a degraded write, or a put whose replica failed, whose coordinator then gives the holders the plan of
 * the nodes that stored it), or this node is draining (decommission moves everything off it). "After"
 * compares the node's refill time with when the plan was last known right: when this node stored its replica
 * or, later, the epoch of the repair that last wrote the plan (epochs are the repairing node's clock), so a
 * node that was refilled and is named again by a plan written after its refill counts as a holder.
 *
 * <h2>Who holds it</h2>
 * A plan lists every replica that was <em>started</em>, including ones that failed and were re-placed, so the
 * node verifies: it asks every node that heartbeats which of a batch of keys it holds (and a hash of the
 * bytes). {@link Holdings} is the answer. Nodes that are down but not lost, and askable nodes that did not
 * answer, are <em>presumed</em> to hold what their plan says (unless their store started empty after the plan
 * was written): a node that is only restarting must not be replaced. A node holding other bytes under the key
 * (a CONFLICT) neither counts nor can take the event: it is reported, never overwritten.
 *
 * <h2>Who repairs</h2>
 * Making copies is up to the first verified holder in plan order (holders outside the plan follow, by id). A
 * node before it in the plan is down, lost, refilling or does not hold the event, so normally exactly one node
 * repairs each event. A draining node repairs every event it holds itself, as if it were lost, so a holder that
 * sees a draining holder leaves the copies to it; {@code forced} (an operator asked for these keys) skips the
 * rule. Two nodes that both think they are responsible (their plans differ after a re-placement) still choose
 * the same targets when their views agree, see below.
 *
 * <h2>Where</h2>
 * With effective holders E (verified and presumed, minus draining nodes) and replication factor r, it needs
 * r − |E| targets among nodes that take replicas (UP) and do not hold the event: first the plan's own nodes that
 * lack it (a refilling node gets its replicas back, and the plan does not change), then
 * {@link Placement#plan} over the other candidates. Placement is anchored at the smallest id in E (not at the
 * deciding node), its candidates sorted by id and its randomness seeded by the key, so the choice is a
 * function of the event, the holders and the view alone: nodes racing with the same view choose the same
 * targets, and writes being write-once and idempotent, they never make more than r replicas. If their views
 * differ (one already sees a node as lost, the other not yet), they may choose different targets and the event
 * may end up with more than r replicas; extra replicas are harmless (reads, verify and later repairs count
 * holders, never remove any), and the next pass, with converged views, rewrites every holder's plan to the same
 * set. The same holds for a holder the deciding node cannot know of: one that is down and that its plan does not
 * name (or names from before that holder's refill), e.g. after a draining node crashed, missed the plan updates
 * that followed, and came back. Waiting for an invisible holder could strand the event's last copy, so the node
 * copies, and the event may keep one replica more than its factor (plans that name the factor of real holders are
 * left alone, so one may not name the extra copy). When fewer nodes take replicas than needed the decision is {@link RepairDecision.Short}.
 *
 * <h2>Spread</h2>
 * Repair restores spread, not only count: an event whose effective holders span fewer zones or regions than its
 * strategy asks for ({@link #wantedSpread}) while a node that takes replicas sits in a missing zone or region is
 * {@linkplain #placementShort placement short}. With its count met it gets one more copy, on the first such node by
 * id (a function of the view: nodes racing agree), so it may keep a replica more than its factor, which is harmless.
 *
 * <p>The new plan is the effective holders by id, followed by the targets in placement order: holders that agree
 * on the holders write the same plan. When the event already has its replicas and only its plan is wrong (it names
 * a lost node, or misses a holder), any holder may rewrite the plan, not only the responsible one: that copies
 * nothing, and it lets a holder whose plan update was lost correct its own plan.
 */
public final class RepairPlanner {
    private RepairPlanner() {
    }

    /**
     * What the deciding node learnt about one event's copies.
     *
     * @param verified    nodes that said they hold the event with the same bytes (the deciding node included, when
     *                    it holds it)
     * @param unanswered  askable nodes that could not be asked (they are presumed to hold what their plan says)
     * @param conflicting nodes that hold different bytes under the key
     */
    public record Holdings(Set<String> verified, Set<String> unanswered, Set<String> conflicting) {
        public Holdings {
            verified = Set.copyOf(verified);
            unanswered = Set.copyOf(unanswered);
            conflicting = Set.copyOf(conflicting);
        }

        /** Only {@code verified} answered, all of them holding the same bytes. */
        public static Holdings of(Set<String> verified) {
            return new Holdings(verified, Set.of(), Set.of());
        }
    }

    /**
     * Whether the event this node holds with plan {@code plan} must be looked at.
     *
     * @param planSinceMs since when the plan is known to be right: when this node stored its replica, or the epoch
     *                    of the repair that last wrote the plan, whichever is later (a plan node whose store started
     *                    empty after it does not hold the event)
     */
    public static boolean needsRepair(List<String> plan, int replicationFactor, long planSinceMs, RepairView view) {
        if (view.selfDraining()) {
            return true;
        }
        if (new LinkedHashSet<>(plan).size() < replicationFactor) {
            return true;
        }
        for (String n : plan) {
            if (!n.equals(view.self()) && (!view.mayHold(n, planSinceMs) || view.status(n) == NodeStatus.DRAINING)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The spread a strategy asks for: one zone per replica it places in another zone or region, plus the local one,
     * and one region per replica it places in another region, plus the local one (at most the replication factor).
     */
    public static SpreadRequirement wantedSpread(ReplicationStrategy strategy) {
        return wantedSpread(strategy, strategy.replicationFactor());
    }

    /** {@link #wantedSpread(ReplicationStrategy)} for an event of replication factor {@code replicationFactor}. */
    public static SpreadRequirement wantedSpread(ReplicationStrategy strategy, int replicationFactor) {
        int others = Math.max(0, replicationFactor - 1);
        return new SpreadRequirement(1 + Math.min(strategy.otherZoneReplicas() + strategy.otherRegionReplicas(), others),
                1 + Math.min(strategy.otherRegionReplicas(), others));
    }

    /**
     * Whether {@link #needsRepair(List, int, long, RepairView)} holds, or the event is {@linkplain #placementShort
     * placement short}.
     */
    public static boolean needsRepair(List<String> plan, int replicationFactor, long planSinceMs, RepairView view,
                                      ReplicationStrategy strategy) {
        return needsRepair(plan, replicationFactor, planSinceMs, view)
                || placementShort(plan, replicationFactor, planSinceMs, view, strategy) != null;
    }

    /**
     * The node a copy should go to because the event's holders ({@code plan}'s nodes that may hold it and keep
     * replicas) span fewer zones or regions than {@code strategy} asks for: the first node by id that takes replicas,
     * does not hold it, and sits in a missing zone or region; {@code null} when the spread is met or no such node is
     * there (then more copies would not help).
     */
    public static String placementShort(List<String> plan, int replicationFactor, long planSinceMs, RepairView view,
                                        ReplicationStrategy strategy) {
        List<String> holders = new ArrayList<>();
        for (String n : new LinkedHashSet<>(plan)) {
            if (view.mayHold(n, planSinceMs) && view.status(n).keepsReplicas()) {
                holders.add(n);
            }
        }
        return spreadTarget(holders, view, wantedSpread(strategy, replicationFactor), Set.of());
    }

    private static String spreadTarget(List<String> holders, RepairView view, SpreadRequirement wanted,
                                       Set<String> excluded) {
        if (wanted.none() || holders.isEmpty()) {
            return null;
        }
        List<FaultDomain> have = new ArrayList<>();
        for (String h : holders) {
            have.add(view.domainOf(h));
        }
        if (wanted.metBy(have)) {
            return null;
        }
        for (RepairView.Member m : view.members()) {
            if (m.status().takesReplicas() && !holders.contains(m.id()) && !excluded.contains(m.id())
                    && wanted.adds(view.domainOf(m.id()), have)) {
                return m.id();
            }
        }
        return null;
    }

    /**
     * Decides what to do with one event.
     *
     * @param key               the event's key (seeds placement)
     * @param plan              the plan this node keeps for it
     * @param replicationFactor replicas it should have
     * @param planSinceMs       see {@link #needsRepair} (refill test of presumed holders)
     * @param holdings          what the holders said
     * @param view              this node's view (its {@link RepairView#self()} decides)
     * @param strategy          zone and region spreading of new replicas (its replication factor is ignored)
     * @param forced            an operator asked for this event: decide as the responsible node
     */
    public static RepairDecision decide(String key, List<String> plan, int replicationFactor, long planSinceMs,
                                        Holdings holdings, RepairView view, ReplicationStrategy strategy,
                                        boolean forced) {
        Objects.requireNonNull(key, "key");
        String self = view.self();
        List<String> order = new ArrayList<>(new LinkedHashSet<>(plan));
        for (String v : new TreeSet<>(holdings.verified())) {
            if (!order.contains(v)) {
                order.add(v);
            }
        }

        List<String> effective = new ArrayList<>();
        for (String n : new TreeSet<>(order)) {
            if (holds(n, planSinceMs, holdings, view) && view.status(n).keepsReplicas()) {
                effective.add(n);
            }
        }
        int needed = replicationFactor - effective.size();
        String spreadTo = null;
        if (needed <= 0) {
            Set<String> ineligible = new java.util.HashSet<>(holdings.conflicting());
            ineligible.addAll(holdings.unanswered());
            ineligible.addAll(holdings.verified());
            spreadTo = spreadTarget(effective, view, wantedSpread(strategy, replicationFactor), ineligible);
        }
        if (needed <= 0 && spreadTo == null) {
            // any holder may rewrite the plan: it copies nothing, and every holder that sees the same holders writes
            // the same plan
            return Set.copyOf(effective).equals(Set.copyOf(plan)) ? new RepairDecision.Healthy()
                    : new RepairDecision.Place(List.of(), effective);
        }

        if (!forced && !view.selfDraining()) {
            String responsible = self;
            for (String n : order) {
                if (holdings.verified().contains(n) && view.status(n) == NodeStatus.DRAINING) {
                    responsible = n; // a draining node moves its own replicas
                    break;
                }
            }
            if (responsible.equals(self)) {
                for (String n : order) {
                    if (holdings.verified().contains(n)) {
                        responsible = n;
                        break;
                    }
                }
            }
            if (!responsible.equals(self)) {
                return new RepairDecision.NotMine(responsible);
            }
        }

        if (spreadTo != null) {
            // count met, spread short: one copy in a missing zone or region
            List<String> spreadPlan = new ArrayList<>(effective);
            spreadPlan.add(spreadTo);
            return new RepairDecision.Place(List.of(spreadTo), spreadPlan);
        }
        List<String> targets = new ArrayList<>();
        for (String n : order) {
            if (targets.size() < needed && eligible(n, effective, holdings, view)) {
                targets.add(n);
            }
        }
        if (targets.size() < needed) {
            String anchor = effective.isEmpty() ? self : new TreeSet<>(effective).first();
            List<Placement.Candidate> candidates = new ArrayList<>();
            for (Placement.Candidate c : view.candidatesAround(anchor)) {
                if (!targets.contains(c.id()) && eligible(c.id(), effective, holdings, view)) {
                    candidates.add(c);
                }
            }
            int more = needed - targets.size();
            Placement p = Placement.plan(anchor, key, candidates, new ReplicationStrategy(more + 1,
                    strategy.otherZoneReplicas(), strategy.otherRegionReplicas()));
            List<String> chosen = p.replicas().subList(1, p.replicas().size());
            targets.addAll(chosen.subList(0, Math.min(more, chosen.size())));
        }
        List<String> newPlan = new ArrayList<>(effective);
        newPlan.addAll(targets);
        if (targets.size() < needed) {
            int missing = needed - targets.size();
            return new RepairDecision.Short(targets, newPlan, missing, needed + " more replica" + (needed == 1 ? "" : "s")
                    + " needed for replication factor " + replicationFactor + ", but only " + targets.size()
                    + " node" + (targets.size() == 1 ? "" : "s") + " that take" + (targets.size() == 1 ? "s" : "")
                    + " replicas lack" + (targets.size() == 1 ? "s" : "") + " it (" + view.takingReplicas()
                    + " UP in all); " + missing + " still missing");
        }
        return new RepairDecision.Place(targets, newPlan);
    }

    /** Whether {@code n} holds the event, as verified or presumed. */
    private static boolean holds(String n, long planSinceMs, Holdings h, RepairView view) {
        if (h.verified().contains(n)) {
            return true;
        }
        if (h.conflicting().contains(n) || !view.mayHold(n, planSinceMs)) {
            return false;
        }
        NodeStatus s = view.status(n);
        return s == NodeStatus.DOWN || (s.askable() && h.unanswered().contains(n));
    }

    /** Whether {@code n} may receive a new replica. */
    private static boolean eligible(String n, List<String> effective, Holdings h, RepairView view) {
        return view.status(n).takesReplicas() && !effective.contains(n) && !h.verified().contains(n)
                && !h.conflicting().contains(n) && !h.unanswered().contains(n);
    }
}
