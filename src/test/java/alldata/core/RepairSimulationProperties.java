package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A seeded simulation of a cluster under repair, with {@link RepairPlanner} as every node's brain: nodes
 * crash and restart, lose their disks and come back as new incarnations, are dropped or decommissioned,
 * while events keep being written (degraded when too few nodes are up). After each step every node that
 * heartbeats runs repair passes until nothing changes. At the end (every crashed node back, or lost and
 * returned empty) every surviving event is on its replication factor of UP nodes, or the cluster has fewer UP
 * nodes than that and the responsible node said so ({@link RepairDecision.Short}); no event ever has more
 * replicas than its factor, except by copies made in ignorance (below); and every holder's plan names exactly
 * the holders.
 *
 * <p>Copies made in ignorance: a node can only count the holders it can ask or its plan names. A holder that is
 * down and that the deciding node's plan does not name, or names from before the holder's refill (the plan went
 * stale: e.g. a draining node that crashed after handing its replica over, and missed the plan updates that
 * followed), is invisible to it, and the node copies as if that holder did not exist. Waiting for such a holder instead would risk the event's last copy, so an
 * extra replica is the safe outcome; the simulation counts each such copy, and only those excuse a replica
 * above the factor (and a plan that names the factor of real holders but not the extra one) (seeds 1397, 1950, 4801, 28194 and 34162 of {@link #simulate} hit it).
 */
class RepairSimulationProperties {
    private static final long SESSION_MS = 10;
    private static final long REPAIR_DELAY_MS = 100;
    private static final ReplicationStrategy SPREAD = new ReplicationStrategy(3, 1, 0);

    /** A replica: the plan beside it. */
    record Meta(List<String> plan, int rf, long storedAt, long epoch) {
        long planSince() {
            return Math.max(storedAt, epoch);
        }
    }

    /** Applies a plan update to a node's store: only to an event it holds, only with a larger epoch. */
    static boolean apply(Node holder, String key, List<String> plan, long epoch) {
        Meta old = holder.store.get(key);
        if (old == null || old.epoch() >= epoch) {
            return false;
        }
        holder.store.put(key, new Meta(plan, old.rf(), old.storedAt(), epoch));
        return !Set.copyOf(old.plan()).equals(Set.copyOf(plan));
    }

    /** A simulated node. */
    static final class Node {
        final String id;
        final String zone;
        boolean up = true;
        boolean draining;
        boolean gone;
        long downSince = -1;
        long refillSince;
        final Map<String, Meta> store = new TreeMap<>();
        /** Plan updates sent while the node was down: its command topic keeps them until it reads them. */
        final List<Object[]> unread = new ArrayList<>();

        Node(String id, String zone) {
            this.id = id;
            this.zone = zone;
        }

        NodeStatus status(long now) {
            if (gone) {
                return NodeStatus.LOST;
            }
            if (!up) {
                return now - downSince >= REPAIR_DELAY_MS ? NodeStatus.LOST : NodeStatus.DOWN;
            }
            return draining ? NodeStatus.DRAINING : NodeStatus.UP;
        }
    }

    /** The simulated cluster and its clock. */
    static final class Cluster {
        final Map<String, Node> nodes = new LinkedHashMap<>();
        final Random random;
        final List<String> log = new ArrayList<>();
        final Map<String, Integer> rfOf = new HashMap<>();
        final Map<String, String> shortReasons = new HashMap<>();
        /** Copies made while a keeper of the event was neither asked nor named by the deciding node's plan. */
        final Map<String, Integer> ignorantCopies = new HashMap<>();
        /** Copies above the factor that repair made to restore spread (a missing zone): allowed, one per zone. */
        final Map<String, Integer> spreadCopies = new HashMap<>();
        long now = 1000;
        int events;

        Cluster(long seed) {
            random = new Random(seed);
            int n = 3 + random.nextInt(5);
            for (int i = 1; i <= n; i++) {
                nodes.put("n" + i, new Node("n" + i, "z" + random.nextInt(3)));
            }
        }

        RepairView viewOf(String self) {
            List<RepairView.Member> members = new ArrayList<>();
            for (Node n : nodes.values()) {
                if (!n.gone) { // a tombstone removes the member
                    members.add(new RepairView.Member(n.id, n.status(now), n.zone, "r", n.refillSince));
                }
            }
            return new RepairView(self, members);
        }

        List<Node> withStatus(NodeStatus s) {
            return nodes.values().stream().filter(n -> n.status(now) == s).toList();
        }

        /** A coordinator writes {@code count} events, degraded when fewer nodes are UP than the factor. */
        void write(int count) {
            List<Node> up = withStatus(NodeStatus.UP);
            if (up.isEmpty()) {
                return;
            }
            for (int i = 0; i < count; i++) {
                Node coordinator = up.get(random.nextInt(up.size()));
                String key = "k" + (events++);
                int rf = 1 + random.nextInt(3);
                RepairView view = viewOf(coordinator.id);
                Placement p = Placement.plan(coordinator.id, key, view.candidatesAround(coordinator.id),
                        new ReplicationStrategy(rf, SPREAD.otherZoneReplicas(), 0));
                for (String r : p.replicas()) {
                    nodes.get(r).store.put(key, new Meta(p.replicas(), rf, now, 0));
                }
                rfOf.put(key, rf);
            }
            log.add("write " + count);
        }

        /** One random fault or recovery. */
        void step() {
            List<Node> all = nodes.values().stream().filter(n -> !n.gone).toList();
            if (all.isEmpty()) {
                return; // every node was decommissioned (each held nothing any more)
            }
            Node n = all.get(random.nextInt(all.size()));
            switch (random.nextInt(8)) {
                case 0, 1 -> write(1 + random.nextInt(6));
                case 2 -> {
                    if (n.up) {
                        n.up = false;
                        n.downSince = now;
                        log.add("crash " + n.id);
                    }
                }
                case 3 -> {
                    if (!n.up) {
                        restartOrRefill(n);
                    }
                }
                case 4 -> {
                    n.store.clear();
                    n.unread.clear();
                    n.up = true;
                    n.draining = false;
                    n.refillSince = now;
                    log.add("wipe " + n.id + " (new incarnation)");
                }
                case 5 -> {
                    if (withStatus(NodeStatus.UP).size() > 1) {
                        n.gone = true;
                        n.up = false;
                        n.store.clear();
                        log.add("drop " + n.id);
                    }
                }
                case 6 -> {
                    if (n.status(now) == NodeStatus.UP) {
                        n.draining = true;
                        log.add("decommission " + n.id);
                    }
                }
                default -> {
                    long dt = 1 + random.nextInt(150);
                    now += dt;
                    log.add("advance " + dt + " ms");
                }
            }
        }

        /** A crashed node comes back: with its disk while not yet lost, else as a new, empty incarnation. */
        void restartOrRefill(Node n) {
            if (n.status(now) == NodeStatus.LOST) {
                n.store.clear();
                n.refillSince = now;
                log.add("return " + n.id + " empty (it was lost)");
            } else {
                log.add("restart " + n.id);
            }
            for (Object[] u : n.unread) {
                @SuppressWarnings("unchecked")
                List<String> plan = (List<String>) u[1];
                apply(n, (String) u[0], plan, (Long) u[2]);
            }
            n.unread.clear();
            n.up = true;
        }

        /** Repair passes on every heartbeating node until a pass changes nothing. */
        void repairUntilQuiet() {
            now += 1; // a pass reacts to what happened, so it runs after it
            for (int round = 0; round < 50; round++) {
                boolean changed = false;
                for (Node n : nodes.values()) {
                    if (n.status(now).askable()) {
                        changed |= pass(n);
                    }
                }
                changed |= finishDrains();
                if (!changed) {
                    return;
                }
                now += 1;
            }
            throw new AssertionError("repair did not settle: " + log);
        }

        private boolean pass(Node self) {
            boolean changed = false;
            RepairView view = viewOf(self.id);
            for (String key : List.copyOf(self.store.keySet())) {
                Meta m = self.store.get(key);
                if (m == null || !RepairPlanner.needsRepair(m.plan(), m.rf(), m.planSince(), view, SPREAD)) {
                    continue;
                }
                Set<String> verified = new HashSet<>();
                for (Node o : nodes.values()) {
                    if ((o == self || o.status(now).askable()) && o.store.containsKey(key)) {
                        verified.add(o.id);
                    }
                }
                RepairDecision d = RepairPlanner.decide(key, m.plan(), m.rf(), m.planSince(),
                        RepairPlanner.Holdings.of(verified), view, SPREAD, false);
                List<String> targets;
                List<String> plan;
                if (d instanceof RepairDecision.Place p) {
                    targets = p.targets();
                    plan = p.newPlan();
                    shortReasons.remove(key);
                } else if (d instanceof RepairDecision.Short s) {
                    targets = s.targets();
                    plan = s.newPlan();
                    shortReasons.put(key, s.reason());
                } else {
                    continue;
                }
                if (!targets.isEmpty() && plan.size() - targets.size() >= m.rf()) {
                    spreadCopies.merge(key, targets.size(), Integer::sum);
                }
                if (!targets.isEmpty()) {
                    // neither asked nor presumed: not answering, and not a plan node that may hold it
                    long invisible = keepers(key).stream().filter(k -> !verified.contains(k)
                            && !(m.plan().contains(k) && view.mayHold(k, m.planSince()))).count();
                    if (invisible > 0) {
                        ignorantCopies.merge(key, (int) Math.min(targets.size(), invisible), Integer::sum);
                    }
                }
                for (String t : targets) {
                    Node target = nodes.get(t);
                    assertThat(target.store).as("target " + t + " of " + key + " after " + log).doesNotContainKey(key);
                    target.store.put(key, new Meta(plan, m.rf(), now, 0));
                    changed = true;
                }
                // the repair's epoch is its clock, past the plan it replaces
                long epoch = Math.max(m.epoch() + 1, now);
                List<Node> toUpdate = new ArrayList<>();
                for (String h : plan) {
                    toUpdate.add(nodes.get(h));
                }
                toUpdate.add(self);
                for (Node holder : toUpdate) {
                    if (holder.status(now).askable()) {
                        changed |= apply(holder, key, plan, epoch);
                    } else if (!holder.gone) {
                        holder.unread.add(new Object[] {key, plan, epoch});
                    }
                }
            }
            return changed;
        }

        /** A draining node whose every event is on its factor of other keepers writes its tombstone. */
        private boolean finishDrains() {
            boolean changed = false;
            for (Node n : nodes.values()) {
                if (n.draining && n.up && !n.gone && drained(n)) {
                    n.gone = true;
                    n.up = false;
                    n.store.clear();
                    log.add("decommissioned " + n.id);
                    changed = true;
                }
            }
            return changed;
        }

        private boolean drained(Node n) {
            for (Map.Entry<String, Meta> e : n.store.entrySet()) {
                long keepers = nodes.values().stream().filter(o -> o != n && o.status(now).keepsReplicas()
                        && o.store.containsKey(e.getKey())).count();
                if (keepers < e.getValue().rf()) {
                    return false;
                }
            }
            return true;
        }

        List<String> holders(String key) {
            return nodes.values().stream().filter(n -> n.store.containsKey(key)).map(n -> n.id).toList();
        }

        String describe(String key) {
            StringBuilder sb = new StringBuilder();
            for (Node n : nodes.values()) {
                sb.append(n.id).append('/').append(n.status(now)).append("/refill ").append(n.refillSince).append(": ")
                        .append(n.store.get(key)).append("; ");
            }
            return sb.append("now ").append(now).toString();
        }

        /**
         * The holders whose replicas count: a lost node's copy is written off, and a draining node's leaves with it
         * (also when it crashes while draining: it then counts as a presumed holder, but is on its way out).
         */
        List<String> keepers(String key) {
            return nodes.values().stream().filter(n -> !n.draining && n.status(now).keepsReplicas() && n.store.containsKey(key))
                    .map(n -> n.id).toList();
        }
    }

    @Property(tries = 500)
    void everySurvivingEventEndsOnItsReplicationFactorOrTheShortfallIsReported(@ForAll long seed) {
        simulate(seed);
    }

    /** Seeds whose histories make copies in ignorance of a stale-planned holder (found by the property). */
    @Example
    void holdersUnknownToTheDecidingNodeExcuseOnlyTheCopiesMadeInIgnoranceOfThem() {
        for (long seed : new long[] {1397, 1950, 4801, 28194, 34162}) {
            simulate(seed);
        }
    }

    static void simulate(long seed) {
        Cluster c = new Cluster(seed);
        c.write(10);
        int steps = 5 + c.random.nextInt(25);
        for (int i = 0; i < steps; i++) {
            c.step();
            c.repairUntilQuiet();
            for (String key : c.rfOf.keySet()) {
                assertThat(c.keepers(key).size()).as(key + " never above its factor, after " + c.log + ": " + c.describe(key))
                        .isLessThanOrEqualTo(c.rfOf.get(key) + c.ignorantCopies.getOrDefault(key, 0)
                                + c.spreadCopies.getOrDefault(key, 0));
            }
        }
        // the end: every crashed node comes back (lost ones empty), and repair settles
        for (Node n : c.nodes.values()) {
            if (!n.gone && !n.up) {
                c.restartOrRefill(n);
            }
        }
        c.repairUntilQuiet();

        int up = c.withStatus(NodeStatus.UP).size();
        for (Map.Entry<String, Integer> e : c.rfOf.entrySet()) {
            String key = e.getKey();
            int rf = e.getValue();
            List<String> holders = c.keepers(key);
            if (c.holders(key).isEmpty()) {
                continue; // every copy was on nodes that were dropped or wiped before repair could act: truly lost
            }
            String context = key + " (rf " + rf + ") on " + holders + " with " + up + " UP, after " + c.log + ": " + c.describe(key);
            List<String> upHolders = holders.stream().filter(h -> c.nodes.get(h).status(c.now) == NodeStatus.UP).toList();
            assertThat(holders.size()).as(context).isLessThanOrEqualTo(rf + c.ignorantCopies.getOrDefault(key, 0)
                    + c.spreadCopies.getOrDefault(key, 0));
            if (upHolders.size() < rf) {
                assertThat(up).as("only too few UP nodes excuse " + context).isLessThan(rf);
                assertThat(upHolders).as(context).hasSize(up);
                assertThat(c.shortReasons).as("the shortfall of " + context + " was reported").containsKey(key);
            }
            for (String h : c.holders(key)) {
                Meta m = c.nodes.get(h).store.get(key);
                if (c.ignorantCopies.containsKey(key)) {
                    // a plan naming its factor of real holders is left alone, so an extra copy may stay unnamed
                    assertThat(holders).as("plan on " + h + " of " + context).containsAll(m.plan());
                    assertThat(Set.copyOf(m.plan()).size()).as("plan on " + h + " of " + context)
                            .isGreaterThanOrEqualTo(Math.min(rf, holders.size()));
                } else {
                    assertThat(Set.copyOf(m.plan())).as("plan on " + h + " of " + context).isEqualTo(Set.copyOf(holders));
                }
            }
        }
    }
}
