package alldata.sidecar.repair;

import alldata.core.Clock;
import alldata.core.RepairDecision;
import alldata.core.RepairPlanner;
import alldata.core.RepairView;
import alldata.core.ReplicationStrategy;
import alldata.protocol.Ack;
import alldata.protocol.CommandFormat;
import alldata.protocol.MemberRecord;
import alldata.protocol.MetaUpdate;
import alldata.protocol.MetaUpdateBatch;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.ReplicaMeta;
import alldata.protocol.ReplyTo;
import alldata.protocol.Topics;
import alldata.store.ReplicaPlans;
import alldata.store.ReplicaReads;
import alldata.store.StoredPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs one batch of events this node holds: asks the nodes that heartbeat which of them they hold, lets
 * {@link RepairPlanner} decide for each, copies events to their targets (through the targets' command topics,
 * as puts that ask for replies on this node's command topic; write-once, so a CONFLICT is reported and counted,
 * never overwritten), waits for the answers, and then gives every holder the new plan ({@link MetaUpdateBatch}).
 * Copies are throttled by two token buckets (replicas and bytes per second).
 */
public final class EventRepairer {
    private static final Logger log = LoggerFactory.getLogger(EventRepairer.class);
    /** Most plan updates in one command record. */
    private static final int UPDATES_PER_RECORD = 2000;

    /** How a throttled copy waits. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    /** What one event came to, for an operator who asked for it. */
    public record Outcome(String key, String what) {
    }

    private final String self;
    private final ReplicaReads reads;
    private final ReplicaPlans plans;
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final Function<String, MemberRecord> members;
    private final Peers peers;
    private final ReplyWaiter replies;
    private final TokenBucket replicaRate;
    private final TokenBucket byteRate;
    private final ReplicationStrategy strategy;
    private final long answerTimeoutMs;
    private final int maxBatchBytes;
    private final Clock clock;
    private final Sleeper sleeper;
    /** Conflicts met since start, passes and operator repairs alike (a conflict left in place is met again). */
    private final LongAdder conflictsMet = new LongAdder();

    <S extends ReplicaReads & ReplicaPlans> EventRepairer(String self, S store, Producer<byte[], byte[]> producer,
                  Topics topics, Function<String, MemberRecord> members, Peers peers, ReplyWaiter replies,
                  TokenBucket replicaRate, TokenBucket byteRate, ReplicationStrategy strategy, long answerTimeoutMs,
                  int maxBatchBytes, Clock clock, Sleeper sleeper) {
        this.self = self;
        this.reads = store;
        this.plans = store;
        this.producer = producer;
        this.topics = topics;
        this.members = members;
        this.peers = peers;
        this.replies = replies;
        this.replicaRate = replicaRate;
        this.byteRate = byteRate;
        this.strategy = strategy;
        this.answerTimeoutMs = answerTimeoutMs;
        this.maxBatchBytes = maxBatchBytes;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** A decided event on its way. */
    private record Work(StoredPlan plan, RepairDecision decision, List<String> targets, List<String> newPlan) {
    }

    /**
     * Repairs {@code candidates} (events whose plan says they need a look).
     *
     * @param forced   an operator asked for these events: this node repairs them whoever would otherwise
     * @param outcomes receives one line per event (for an operator), may be null
     */
    Tally repair(List<StoredPlan> candidates, RepairView view, boolean forced, List<Outcome> outcomes)
            throws InterruptedException {
        Tally tally = new Tally();
        if (candidates.isEmpty()) {
            return tally;
        }
        List<String> keys = candidates.stream().map(StoredPlan::key).toList();
        Map<String, Long> mine = reads.contentHashes(keys);
        Answers answers = ask(view, keys);

        List<Work> work = new ArrayList<>();
        for (StoredPlan c : candidates) {
            Long hash = mine.get(c.key());
            if (hash == null) {
                note(outcomes, c.key(), "not held on " + self);
                continue; // a plan without its event: nothing to copy from here
            }
            tally.looked++;
            RepairPlanner.Holdings holdings = answers.holdings(c.key(), hash, self);
            for (String n : holdings.conflicting()) {
                log.error("CONFLICT: {} holds different bytes under key {} than {}; it is left as it is", n, c.key(), self);
            }
            tally.conflicts += holdings.conflicting().size();
            conflictsMet.add(holdings.conflicting().size());
            ReplicaMeta m = c.meta();
            RepairDecision d = RepairPlanner.decide(c.key(), m.replicas(), m.replicationFactor(), m.planSinceMs(),
                    holdings, view, strategy, forced);
            if (d instanceof RepairDecision.Healthy) {
                tally.healthy++;
                note(outcomes, c.key(), "fine: on " + verifiedOrder(m, holdings));
            } else if (d instanceof RepairDecision.NotMine n) {
                tally.notMine++;
                note(outcomes, c.key(), "left to " + n.responsible());
            } else if (d instanceof RepairDecision.Place p) {
                work.add(new Work(c, d, p.targets(), p.newPlan()));
            } else {
                RepairDecision.Short s = (RepairDecision.Short) d;
                work.add(new Work(c, d, s.targets(), s.newPlan()));
            }
        }

        Set<String> gone = new HashSet<>();
        Map<String, Map<String, Ack>> answered = copy(work, gone);
        List<Map.Entry<String, MetaUpdate>> updates = new ArrayList<>();
        for (Work w : work) {
            if (gone.contains(w.plan().key())) {
                // deleted here since the scan: no copy was sent, so its targets are not failed copies to retry
                tally.gone++;
                note(outcomes, w.plan().key(), "gone from " + self + " since the scan: nothing copied");
                continue;
            }
            Map<String, Ack> got = answered.getOrDefault(w.plan().key(), Map.of());
            List<String> ok = new ArrayList<>();
            int failed = 0;
            int conflicts = 0;
            for (String t : w.targets()) {
                Ack a = got.get(t);
                if (a != null && a.status() == Ack.Status.OK) {
                    ok.add(t);
                } else if (a != null && a.status() == Ack.Status.CONFLICT) {
                    conflicts++;
                    log.error("CONFLICT: {} holds different bytes under key {}; repair did not overwrite it", t,
                            w.plan().key());
                } else {
                    failed++;
                }
            }
            List<String> plan = new ArrayList<>(w.newPlan());
            plan.removeIf(n -> w.targets().contains(n) && !ok.contains(n));
            tally.copies += ok.size();
            tally.conflicts += conflicts;
            conflictsMet.add(conflicts);
            tally.failed += failed;
            String key = w.plan().key();
            if (w.decision() instanceof RepairDecision.Short s) {
                tally.shortOfNodes++;
                tally.unresolved++;
                note(outcomes, key, "short of nodes: " + s.reason() + (ok.isEmpty() ? "" : "; copied to " + ok));
            } else if (failed + conflicts > 0) {
                tally.unresolved++;
                note(outcomes, key, "copied to " + ok + ", " + (failed + conflicts) + " of " + w.targets().size()
                        + " copies failed" + (conflicts > 0 ? " (conflict)" : "") + ": retried later");
            } else if (w.targets().isEmpty()) {
                tally.replanned++;
                note(outcomes, key, "plan rewritten: " + plan);
            } else {
                tally.repaired++;
                note(outcomes, key, "copied to " + ok + "; now on " + plan);
            }
            if (!ok.isEmpty() || !Set.copyOf(plan).equals(Set.copyOf(w.plan().meta().replicas()))) {
                ReplicaMeta m = w.plan().meta();
                long epoch = Math.max(m.epoch() + 1, clock.nowMs());
                MetaUpdate u = new MetaUpdate(key, plan, m.replicationFactor(), epoch);
                for (String holder : plan) {
                    if (!holder.equals(self)) {
                        updates.add(Map.entry(holder, u));
                    }
                }
                updates.add(Map.entry(self, u));
            }
        }
        sendPlans(updates);
        return tally;
    }

    /** Conflicts met since start: holders and copy targets that hold other bytes under a key. */
    long conflictsMet() {
        return conflictsMet.sum();
    }

    private static List<String> verifiedOrder(ReplicaMeta m, RepairPlanner.Holdings h) {
        List<String> out = new ArrayList<>(m.replicas());
        out.retainAll(h.verified());
        return out;
    }

    private static void note(List<Outcome> outcomes, String key, String what) {
        if (outcomes != null) {
            outcomes.add(new Outcome(key, what));
        }
    }

    /** What the asked nodes hold of a batch of keys. */
    private record Answers(Map<String, Map<String, Long>> held, Set<String> unanswered) {
        RepairPlanner.Holdings holdings(String key, long hash, String self) {
            Set<String> verified = new HashSet<>();
            Set<String> conflicting = new HashSet<>();
            verified.add(self);
            held.forEach((node, keys) -> {
                Long h = keys.get(key);
                if (h != null) {
                    (h == hash ? verified : conflicting).add(node);
                }
            });
            return new RepairPlanner.Holdings(verified, unanswered, conflicting);
        }
    }

    /** Asks every node that heartbeats, in parallel, which of {@code keys} it holds. */
    private Answers ask(RepairView view, List<String> keys) throws InterruptedException {
        Map<String, CompletableFuture<Map<String, Long>>> asked = new LinkedHashMap<>();
        Set<String> unanswered = new LinkedHashSet<>();
        for (String node : view.askable()) {
            MemberRecord r = members.apply(node);
            if (r == null || r.http() == null) {
                unanswered.add(node);
            } else {
                asked.put(node, peers.holds(r.httpUrl(), keys));
            }
        }
        Map<String, Map<String, Long>> held = new HashMap<>();
        for (Map.Entry<String, CompletableFuture<Map<String, Long>>> e : asked.entrySet()) {
            try {
                held.put(e.getKey(), e.getValue().get(answerTimeoutMs, TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException ex) {
                e.getValue().cancel(true);
                unanswered.add(e.getKey());
                log.info("{} could not be asked which of {} keys it holds ({}); its plans are trusted for now", e.getKey(),
                        keys.size(), ex instanceof ExecutionException ? ex.getCause().toString() : "no answer in time");
            }
        }
        return new Answers(held, unanswered);
    }

    /**
     * Copies every event to its targets, throttled, and waits for the answers: key → target → answer. Events this
     * node no longer holds are not sent; their keys go to {@code gone}.
     */
    private Map<String, Map<String, Ack>> copy(List<Work> work, Set<String> gone) throws InterruptedException {
        Map<String, List<Work>> byTarget = new LinkedHashMap<>();
        for (Work w : work) {
            for (String t : w.targets()) {
                byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(w);
            }
        }
        Map<String, Map<String, CompletableFuture<Ack>>> waiting = new HashMap<>();
        for (Map.Entry<String, List<Work>> e : byTarget.entrySet()) {
            String target = e.getKey();
            List<PutCommand> batch = new ArrayList<>();
            int batchBytes = 0;
            for (Work w : e.getValue()) {
                Optional<byte[]> event = reads.get(w.plan().key());
                if (event.isEmpty()) {
                    gone.add(w.plan().key()); // deleted since the scan: nothing to copy
                    continue;
                }
                ReplicaMeta m = w.plan().meta();
                batch.add(new PutCommand(w.plan().key(), event.get(), 1, m.replicationFactor(), w.newPlan()));
                batchBytes += event.get().length;
                waiting.computeIfAbsent(w.plan().key(), k -> new HashMap<>()).put(target, replies.expect(target, w.plan().key()));
                if (batchBytes >= maxBatchBytes) {
                    send(target, batch, batchBytes);
                    batch = new ArrayList<>();
                    batchBytes = 0;
                }
            }
            if (!batch.isEmpty()) {
                send(target, batch, batchBytes);
            }
        }
        long deadline = clock.nowMs() + answerTimeoutMs;
        Map<String, Map<String, Ack>> answers = new HashMap<>();
        for (Map.Entry<String, Map<String, CompletableFuture<Ack>>> k : waiting.entrySet()) {
            for (Map.Entry<String, CompletableFuture<Ack>> t : k.getValue().entrySet()) {
                try {
                    Ack a = t.getValue().get(Math.max(1, deadline - clock.nowMs()), TimeUnit.MILLISECONDS);
                    answers.computeIfAbsent(k.getKey(), x -> new HashMap<>()).put(t.getKey(), a);
                } catch (TimeoutException | ExecutionException e) {
                    replies.forget(t.getKey(), k.getKey());
                }
            }
        }
        return answers;
    }

    private void send(String target, List<PutCommand> puts, int bytes) throws InterruptedException {
        long wait = Math.max(replicaRate.reserve(puts.size()), byteRate.reserve(bytes));
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
        byte[] value = CommandFormat.encode(new PutBatch(self, new ReplyTo.Node(self), puts));
        producer.send(new ProducerRecord<>(topics.commands(target), null, value), (md, e) -> {
            if (e != null) {
                log.warn("{} repair copies to {} not sent ({}); they are retried by a later pass", puts.size(), target,
                        e.toString());
            }
        });
    }

    /** Gives every holder its new plans: this node's own directly, the others' through their command topics. */
    private void sendPlans(List<Map.Entry<String, MetaUpdate>> updates) {
        Map<String, List<MetaUpdate>> byNode = new LinkedHashMap<>();
        for (Map.Entry<String, MetaUpdate> u : updates) {
            byNode.computeIfAbsent(u.getKey(), k -> new ArrayList<>()).add(u.getValue());
        }
        List<MetaUpdate> own = byNode.remove(self);
        if (own != null) {
            plans.updatePlans(own, self);
        }
        byNode.forEach((node, list) -> {
            for (int i = 0; i < list.size(); i += UPDATES_PER_RECORD) {
                byte[] value = CommandFormat.encode(new MetaUpdateBatch(self,
                        list.subList(i, Math.min(list.size(), i + UPDATES_PER_RECORD))));
                producer.send(new ProducerRecord<>(topics.commands(node), null, value), (md, e) -> {
                    if (e != null) {
                        log.warn("plan updates for {} not sent ({}); a later pass finds those plans again", node,
                                e.toString());
                    }
                });
            }
        });
    }
}
