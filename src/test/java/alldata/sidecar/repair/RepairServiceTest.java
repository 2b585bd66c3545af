package alldata.sidecar.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.core.AllDataKey;
import alldata.core.IntervalDigest;
import alldata.core.PeerLocation;
import alldata.core.Placement;
import alldata.core.ReplicationStrategy;
import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.CommandFormat;
import alldata.protocol.CommandRecord;
import alldata.protocol.MemberRecord;
import alldata.protocol.MetaUpdate;
import alldata.protocol.MetaUpdateBatch;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.ReplicaMeta;
import alldata.protocol.ReplyTo;
import alldata.protocol.RepairStatus;
import alldata.protocol.Topics;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import alldata.store.StoreSurgery;
import alldata.store.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repair of a cluster in one JVM: each node a real RocksDB store and a {@link RepairService}, driven turn by
 * turn on a shared clock; command records are delivered at once by a producer that plays Kafka and every
 * node's replica writer; peers are asked what they hold straight from their stores.
 */
class RepairServiceTest {
    private static final long T0 = 1_789_999_200_000L; // on the hour
    private static final long SESSION = 10_000;
    private static final long DELAY = 60_000;
    private static final ReplicationStrategy RF3 = new ReplicationStrategy(3, 2, 0);
    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path dir;

    /**
     * The cluster's clock: it starts at the wall clock, because stores stamp what they store with it, and then runs
     * ahead of it as the test moves it on.
     */
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    private final Map<String, MemberRecord> topic = new TreeMap<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, String> zones = new HashMap<>();
    private boolean caughtUp = true;
    /** Replicas the network stored on a node that did not hold them: repair's copies. */
    private long copies;

    /** One simulated node. */
    final class Node {
        final String id;
        RocksReplicaStore store;
        RepairService service;
        NodeIdentity identity;
        boolean up = true;
        boolean draining;
        int generation;

        Node(String id) {
            this.id = id;
            open(now.get()); // a first start: an empty store, a new incarnation
        }

        void open(long startedEmptyAtMs) {
            store = RocksReplicaStore.open(dir.resolve(id + "-" + generation));
            identity = new NodeIdentity(id, id + "-inc-" + generation, now.get(), startedEmptyAtMs, 0);
            ReplyWaiter replies = new ReplyWaiter();
            RepairService.Settings settings = new RepairService.Settings(id, zones.get(id), "r", RF3, SESSION, DELAY,
                    3_600_000, 300, 2_000);
            EventRepairer repairer = new EventRepairer(id, store, network, TOPICS, topic::get,
                    (address, keys) -> holds(address, keys), replies, new TokenBucket(1e9, System::nanoTime),
                    new TokenBucket(1e12, System::nanoTime), RF3, 300, 256 * 1024, now::get, nanos -> { });
            service = new RepairService(settings, store, membership(this), identity, repairer, replies, () -> { }, now::get);
            service.capPauses(0);
            heartbeat();
        }

        void heartbeat() {
            topic.put(id, new MemberRecord(id, zones.get(id), "r", TOPICS.commands(id), id,
                    draining ? MemberRecord.State.DRAINING : MemberRecord.State.UP, now.get(), false, identity.incarnation(),
                    identity.startedEmptyAtMs()));
        }

        /** The node's disk is replaced: it comes back empty, a new incarnation. */
        void wipe() {
            service.close();
            store.close();
            generation++;
            open(now.get());
        }

        RepairStatus status() {
            return service.status();
        }
    }

    private RepairService.Membership membership(Node n) {
        return new RepairService.Membership() {
            @Override
            public boolean caughtUp() {
                return caughtUp;
            }

            @Override
            public Collection<MemberRecord> members() {
                return List.copyOf(topic.values());
            }

            @Override
            public MemberRecord member(String node) {
                return topic.get(node);
            }

            @Override
            public void drain() {
                n.draining = true;
                n.heartbeat();
            }

            @Override
            public boolean draining() {
                return n.draining;
            }

            @Override
            public void leaveForGood() {
                n.up = false;
                topic.remove(n.id);
            }
        };
    }

    /** A node's HTTP address is its id: repair asks {@code http://<id>}. */
    private CompletableFuture<Map<String, Long>> holds(String baseUrl, List<String> keys) {
        String address = baseUrl.substring("http://".length());
        Node n = nodes.get(address);
        if (n == null || !n.up) {
            return CompletableFuture.failedFuture(new java.net.ConnectException("connection refused: " + address));
        }
        return CompletableFuture.completedFuture(n.store.contentHashes(keys));
    }

    /** Kafka and every replica writer at once: a command record is applied to its node when sent. */
    private final MockProducer<byte[], byte[]> network = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer()) {
        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            String target = record.topic().substring(TOPICS.commands("").length() - ".commands".length(),
                    record.topic().length() - ".commands".length());
            deliver(target, CommandFormat.decode(record.value()));
            return super.send(record, callback);
        }
    };

    private void deliver(String target, CommandRecord command) {
        Node n = nodes.get(target);
        if (n == null || !n.up) {
            return; // a node that is gone for good never reads its command topic
        }
        if (command instanceof MetaUpdateBatch m) {
            n.store.updatePlans(m.updates(), m.origin());
        } else if (command instanceof PutBatch b) {
            List<ReplicaWrite> writes = new ArrayList<>();
            for (PutCommand c : b.puts()) {
                writes.add(new ReplicaWrite(c.key(), c.event(), new ReplicaMeta(c.replicas(), b.origin(), c.replicationFactor(), 0)));
            }
            List<WriteOutcome> outcomes = n.store.write(writes);
            copies += outcomes.stream().filter(o -> o == WriteOutcome.STORED).count();
            List<Ack> acks = new ArrayList<>();
            for (int i = 0; i < writes.size(); i++) {
                acks.add(outcomes.get(i) == WriteOutcome.CONFLICT ? Ack.conflict(writes.get(i).key(), target)
                        : Ack.ok(writes.get(i).key(), target));
            }
            Node origin = nodes.get(((ReplyTo.Node) b.replyTo()).node());
            origin.service.onReplies(new AckBatch(target, acks));
        }
    }

    private void cluster(String... idsAndZones) {
        for (int i = 0; i < idsAndZones.length; i += 2) {
            zones.put(idsAndZones[i], idsAndZones[i + 1]);
        }
        for (int i = 0; i < idsAndZones.length; i += 2) {
            nodes.put(idsAndZones[i], new Node(idsAndZones[i]));
        }
    }

    @AfterEach
    void close() {
        for (Node n : nodes.values()) {
            n.service.close();
            n.store.close();
        }
    }

    private static byte[] event(int i) {
        return ("{\"event\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code count} events over three hours, each written to the plan its coordinator (a random node) made. */
    private List<String> write(int count, int replicationFactor) {
        List<String> keys = new ArrayList<>();
        List<String> ids = nodes.values().stream().filter(n -> n.up).map(n -> n.id).toList();
        for (int i = 0; i < count; i++) {
            String key = AllDataKey.ingest(T0 + i * (3 * 3_600_000L / count), i % 4, i).value();
            String coordinator = ids.get(i % ids.size());
            List<Placement.Candidate> peers = ids.stream().filter(p -> !p.equals(coordinator))
                    .map(p -> new Placement.Candidate(p, PeerLocation.relative("r", zones.get(coordinator), "r", zones.get(p))))
                    .toList();
            Placement plan = Placement.plan(coordinator, key, peers,
                    new ReplicationStrategy(replicationFactor, RF3.otherZoneReplicas(), 0));
            store(key, event(i), plan.replicas(), 3, coordinator);
            keys.add(key);
        }
        return keys;
    }

    private void store(String key, byte[] event, List<String> plan, int rf, String coordinator) {
        storeOn(plan, key, event, plan, rf, coordinator);
    }

    private void storeOn(List<String> holders, String key, byte[] event, List<String> plan, int rf, String coordinator) {
        for (String r : holders) {
            nodes.get(r).store.write(List.of(new ReplicaWrite(key, event, new ReplicaMeta(plan, coordinator, rf, 0))));
        }
    }

    /** Turns every node's repair until every node has been idle for three rounds; time moves on meanwhile. */
    private void settle() throws InterruptedException {
        int quiet = 0;
        for (int round = 0; round < 2_000; round++) {
            boolean busy = false;
            for (Node n : nodes.values()) {
                if (n.up) {
                    n.heartbeat();
                    n.service.turn();
                    String state = n.status().state();
                    busy |= !state.equals("IDLE") && !state.equals("DECOMMISSIONED");
                }
            }
            quiet = busy ? 0 : quiet + 1;
            if (quiet >= 3) {
                return;
            }
            now.addAndGet(100);
        }
        throw new AssertionError("repair did not settle: " + nodes.values().stream().map(Node::status).toList());
    }

    /** One turn of every live node's repair. */
    private void turnAll() throws InterruptedException {
        for (Node n : nodes.values()) {
            if (n.up) {
                n.heartbeat();
                n.service.turn();
            }
        }
    }

    private List<String> holders(String key) {
        return nodes.values().stream().filter(n -> n.up && n.store.get(key).isPresent()).map(n -> n.id).toList();
    }

    private long copies() {
        return copies;
    }

    /** Every live holder's plan names exactly the live holders, and pairs of nodes have equal digests. */
    private void assertConsistent(List<String> keys) {
        for (String key : keys) {
            List<String> holders = holders(key);
            for (String h : holders) {
                assertThat(new TreeSet<>(nodes.get(h).store.meta(key).orElseThrow().replicas())).as("plan of " + key + " on " + h)
                        .isEqualTo(new TreeSet<>(holders));
            }
        }
        List<Node> live = nodes.values().stream().filter(n -> n.up).toList();
        for (Node a : live) {
            for (Node b : live) {
                Map<String, Map<String, IntervalDigest>> da = a.store.countedDigests(null, null);
                Map<String, Map<String, IntervalDigest>> db = b.store.countedDigests(null, null);
                for (String interval : da.keySet()) {
                    assertThat(da.get(interval).get(b.id)).as(a.id + "->" + b.id + " in " + interval)
                            .isEqualTo(db.getOrDefault(interval, Map.of()).get(a.id));
                }
                assertThat(a.store.keptDigests(null, null)).as("kept digests of " + a.id).isEqualTo(da);
            }
        }
    }

    @Test
    void aDroppedNodesReplicasAreCopiedExactlyOnceToTheNodesThatLackThem() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3", "d", "z1");
        List<String> keys = write(90, 3);
        settle(); // the start-up passes find nothing to do
        assertThat(copies()).isZero();
        long namingD = keys.stream().filter(k -> nodes.get("a").store.meta(k).map(m -> m.replicas().contains("d"))
                .orElseGet(() -> nodes.get("b").store.meta(k).map(m -> m.replicas().contains("d")).orElse(true))).count();

        Node d = nodes.get("d");
        d.up = false;
        topic.remove("d"); // alldata peers drop d
        settle();

        for (String key : keys) {
            assertThat(holders(key)).as(key).containsExactlyInAnyOrder("a", "b", "c");
        }
        assertThat(copies()).as("one copy per event that d held, by exactly one node").isEqualTo(namingD);
        assertConsistent(keys);
        for (String n : List.of("a", "b", "c")) {
            assertThat(nodes.get(n).status().underReplicated()).isZero();
            assertThat(nodes.get(n).status().lastPass()).contains("d was dropped or decommissioned");
        }
    }

    @Test
    void aNodeDownForLongerThanTheRepairDelayIsReplacedButNotBefore() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3", "d", "z1");
        List<String> keys = write(30, 3);
        settle();
        Node d = nodes.get("d");
        d.up = false; // crashed: no more heartbeats
        now.addAndGet(SESSION + 1_000);
        settle();
        assertThat(copies()).as("only down: presumed to hold its replicas").isZero();
        now.addAndGet(DELAY);
        settle();
        for (String key : keys) {
            assertThat(holders(key)).as(key).containsExactlyInAnyOrder("a", "b", "c");
        }
        assertConsistent(keys);
    }

    @Test
    void aNodeBackWithAnEmptyStoreGetsItsReplicasBackUnderItsPlans() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3", "d", "z1");
        List<String> keys = write(60, 3);
        settle();
        Map<String, List<String>> plans = new HashMap<>();
        for (String k : keys) {
            plans.put(k, holders(k));
        }
        long onA = keys.stream().filter(k -> plans.get(k).contains("a")).count();
        now.addAndGet(1_000);
        nodes.get("a").wipe();
        settle();
        for (String key : keys) {
            assertThat(holders(key)).as(key).containsExactlyInAnyOrderElementsOf(plans.get(key));
        }
        assertThat(copies()).isEqualTo(onA);
        assertConsistent(keys);
    }

    @Test
    void degradedWritesGetTheirOwedReplicas() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = AllDataKey.ingest(T0 + i * 1000, 0, i).value();
            store(key, event(i), List.of("a"), 3, "a"); // written while a was alone
            keys.add(key);
        }
        settle();
        for (String key : keys) {
            assertThat(holders(key)).containsExactlyInAnyOrder("a", "b", "c");
        }
        assertThat(copies()).isEqualTo(40);
        assertConsistent(keys);
    }

    @Test
    void aCommittedEventWhoseReplicaFailedWithNoSpareGetsItOnceItsCoordinatorHasSentTheTruePlan() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3");
        String key = AllDataKey.ingest(T0, 0, 1).value();
        // RF 3 on three nodes, c's disk full: COMMITTED with one replica owed, and a plan that names all three
        storeOn(List.of("a", "b"), key, event(1), List.of("a", "b", "c"), 3, "a");
        settle();
        assertThat(holders(key)).as("a plan naming RF live nodes: no pass looks at the event").containsExactlyInAnyOrder("a", "b");

        // what coordinator a does once the put is done: its own plan directly, b's through b's command topic
        MetaUpdate truePlan = MetaUpdate.afterPut(key, List.of("a", "b"), 3);
        nodes.get("a").store.updatePlans(List.of(truePlan), "a");
        network.send(new ProducerRecord<>(TOPICS.commands("b"), CommandFormat.encode(new MetaUpdateBatch("a", List.of(truePlan)))));
        turnAll(); // repair takes the owed event in: counted at once
        assertThat(nodes.get("a").status().underReplicated()).as("a, first in the plan, completes it").isEqualTo(1);
        assertThat(nodes.get("b").status().underReplicated()).isZero();
        now.addAndGet(OwedEvents.SETTLE_MS); // c still heartbeats UP: tried a few seconds later, not at the hourly pass
        settle();

        assertThat(holders(key)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(copies()).isEqualTo(1);
        assertConsistent(List.of(key));

        network.send(new ProducerRecord<>(TOPICS.commands("b"), CommandFormat.encode(new MetaUpdateBatch("a", List.of(truePlan)))));
        assertThat(nodes.get("b").store.meta(key).orElseThrow().replicas()).as("a late copy loses to the repair's plan")
                .containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aFailedPutsCopiesAreNeverRepairedNorCountedAsReplicas() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3");
        String failedOnA = AllDataKey.ingest(T0, 0, 1).value();
        String failedOnAB = AllDataKey.ingest(T0, 0, 2).value();
        // FAILED puts that left copies: one on a (a plan naming fewer nodes than the RF, which repair would complete),
        // one on a and b with a plan naming a node that is now gone
        storeOn(List.of("a"), failedOnA, event(1), List.of("a"), 3, "a");
        storeOn(List.of("a", "b"), failedOnAB, event(2), List.of("a", "b", "gone"), 3, "a");
        nodes.get("a").store.markFailed(List.of(failedOnA, failedOnAB));
        nodes.get("b").store.markFailed(List.of(failedOnAB));
        settle();
        now.addAndGet(OwedEvents.SETTLE_MS); // the owed-events round, too, leaves them alone
        settle();

        assertThat(copies()).as("a FAILED copy is not part of the data: nothing copies it").isZero();
        for (Node n : nodes.values()) {
            assertThat(n.status().underReplicated()).as("nor counted as under-replicated on " + n.id).isZero();
        }
        Node a = nodes.get("a");
        a.service.capPauses(20);
        a.service.start();
        assertThat(a.service.repairNow(List.of(failedOnA))).singleElement()
                .satisfies(o -> assertThat(o.what()).contains("its put FAILED"));
        assertThat(copies()).as("not even when an operator asks").isZero();
        assertThat(nodes.get("a").store.contentHashes(List.of(failedOnA, failedOnAB))).as("not a holder").isEmpty();
    }

    @Test
    void eventsOwedSinceTheLastPassAreCountedAndCompletedAsSoonAsANodeComesBack() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3");
        settle(); // the start-up passes: nothing to do
        Node c = nodes.get("c");
        c.up = false; // restarting: no heartbeats for a while, only DOWN
        now.addAndGet(SESSION + 1_000);
        settle();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = AllDataKey.ingest(T0 + i * 1000, 0, i).value();
            store(key, event(i), List.of("a", "b"), 3, "a"); // degraded writes while c is away
            keys.add(key);
        }
        now.addAndGet(OwedEvents.SETTLE_MS);
        settle();
        assertThat(copies()).as("no node can take them").isZero();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        new RepairMeters(nodes.get("a").service).bindTo(registry);
        assertThat(nodes.get("a").status().underReplicated()).as("a, first in their plans, completes them").isEqualTo(20);
        assertThat(nodes.get("a").status().state()).isEqualTo("IDLE");
        assertThat(nodes.get("a").status().detail()).contains("20 events owe replicas");
        assertThat(registry.get("alldata.under.replicated.events").gauge().value()).isEqualTo(20);
        assertThat(nodes.get("b").status().underReplicated()).as("b leaves them to a").isZero();

        c.up = true; // back, with its store: UP again, no pass is triggered by that alone
        settle();
        for (String key : keys) {
            assertThat(holders(key)).as(key).containsExactlyInAnyOrder("a", "b", "c");
        }
        assertThat(copies()).as("one copy each, long before the hourly pass").isEqualTo(20);
        assertThat(nodes.get("a").status().underReplicated()).isZero();
        assertThat(registry.get("alldata.under.replicated.events").gauge().value()).isZero();
        assertConsistent(keys);
    }

    @Test
    void withTooFewNodesTheShortfallIsReportedAndRepairedWhenANodeJoins() throws Exception {
        cluster("a", "z1", "b", "z2");
        String key = AllDataKey.ingest(T0, 0, 1).value();
        store(key, event(1), List.of("a"), 3, "a");
        settle();
        assertThat(holders(key)).containsExactlyInAnyOrder("a", "b");
        assertThat(nodes.get("a").status().underReplicated()).isEqualTo(1);
        assertThat(nodes.get("a").status().lastPass()).contains("1 short of nodes");

        zones.put("c", "z3");
        nodes.put("c", new Node("c")); // joins: a new incarnation, so every node looks again
        settle();
        assertThat(holders(key)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(nodes.get("a").status().underReplicated()).isZero();
    }

    @Test
    void decommissionMovesEveryReplicaAwayThenWritesTheTombstone() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3", "d", "z1");
        List<String> keys = write(60, 3);
        settle();
        Node b = nodes.get("b");
        RepairStatus started = b.service.decommission();
        assertThat(started.node()).isEqualTo("b");
        settle();

        assertThat(b.status().state()).isEqualTo("DECOMMISSIONED");
        assertThat(topic).doesNotContainKey("b");
        assertThat(b.store.state(NodeIdentity.STATE).map(NodeIdentity::decode).orElseThrow().decommissioned()).isTrue();
        for (String key : keys) {
            assertThat(holders(key)).as(key).containsExactlyInAnyOrder("a", "c", "d");
        }
        assertConsistent(keys);
    }

    @Test
    void decommissionIsRefusedWhileTooFewOtherNodesTakeReplicas() {
        cluster("a", "z1", "b", "z2", "c", "z3");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodes.get("b").service.decommission())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot decommission b: replication factor 3 needs 3 other nodes that take replicas, and 2 are UP");
        assertThat(nodes.get("b").draining).isFalse();
    }

    @Test
    void aConflictingCopyIsCountedAndNeverOverwritten() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3", "d", "z1");
        String key = AllDataKey.ingest(T0, 0, 1).value();
        store(key, event(1), List.of("a", "b", "c"), 3, "a");
        byte[] other = "{\"other\":true}".getBytes(StandardCharsets.UTF_8);
        nodes.get("d").store.write(List.of(new ReplicaWrite(key, other, null)));
        settle();
        nodes.get("c").up = false;
        topic.remove("c");
        settle();
        assertThat(nodes.get("d").store.get(key)).get().isEqualTo(other);
        assertThat(nodes.get("a").status().lastPass()).contains("1 short of nodes, 1 conflicts");
        assertThat(nodes.get("a").status().underReplicated()).isEqualTo(1);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        new RepairMeters(nodes.get("a").service).bindTo(registry);
        assertThat(registry.get("alldata.repair.conflicts").functionCounter().count()).as("counted, after the pass too")
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get("alldata.repair.pass.conflicts").gauge().value()).isZero();
    }

    @Test
    void nothingIsRepairedBeforeTheMembershipTopicHasBeenReadToItsEnd() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3");
        String key = AllDataKey.ingest(T0, 0, 1).value();
        // x: unknown, as every node is before the topic is read
        storeOn(List.of("a", "b"), key, event(1), List.of("a", "b", "x"), 3, "a");
        caughtUp = false;
        for (int i = 0; i < 5; i++) {
            nodes.get("a").service.turn();
        }
        assertThat(nodes.get("a").status().state()).isEqualTo("STARTING");
        assertThat(holders(key)).containsExactlyInAnyOrder("a", "b");
        caughtUp = true;
        settle();
        assertThat(holders(key)).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aRestartedNodeResumesItsPassAtTheIntervalItWasIn() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3", "d", "z1");
        List<String> keys = write(90, 3);
        settle();
        Node b = nodes.get("b"); // in zone z2, b is on every plan that names d (a and d share zone z1)
        long bHoldsNamingD = keys.stream().filter(k -> b.store.meta(k).map(m -> m.replicas().contains("d")).orElse(false))
                .count();
        topic.remove("d");
        nodes.get("d").up = false;
        for (int i = 0; i < 200 && !resumable(b); i++) { // b repairs until its first interval is done, then stops
            b.service.turn();
        }
        RepairPass.Progress saved = b.store.state(RepairPass.STATE).map(RepairPass::readProgress).orElseThrow();
        assertThat(saved.active()).isTrue();
        assertThat(saved.looked()).isPositive().isLessThan(bHoldsNamingD);
        b.service.close();
        b.service = new RepairService(new RepairService.Settings("b", "z2", "r", RF3, SESSION, DELAY, 3_600_000, 300, 2_000),
                b.store, membership(b), b.identity, new EventRepairer("b", b.store, network, TOPICS, topic::get,
                this::holds, new ReplyWaiter(), new TokenBucket(1e9, System::nanoTime), new TokenBucket(1e12, System::nanoTime),
                RF3, 300, 256 * 1024, now::get, nanos -> { }), new ReplyWaiter(), () -> { }, now::get);
        b.service.capPauses(0);
        b.service.turn();
        assertThat(b.status().reason()).isEqualTo(saved.reason());
        assertThat(b.status().done()).as("what it had looked at before").isEqualTo(saved.looked());
        settle();
        assertThat(b.status().lastPass()).as("each event looked at once: the done interval was not repeated")
                .startsWith(saved.reason() + ": " + bHoldsNamingD + " events looked at");
        for (String key : keys) {
            assertThat(holders(key)).containsExactlyInAnyOrder("a", "b", "c");
        }
    }

    private static boolean resumable(Node a) {
        return a.store.state(RepairPass.STATE).map(RepairPass::readProgress)
                .filter(p -> p.active() && p.reason().contains("dropped") && p.resumeFrom() != null).isPresent();
    }

    @Test
    void anOperatorsRepairOfAKeyRestoresAnEventDeletedByHand() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3");
        String key = AllDataKey.ingest(T0, 0, 1).value();
        store(key, event(1), List.of("a", "b", "c"), 3, "a");
        settle();
        Node b = nodes.get("b");
        b.service.close();
        b.store.close();
        StoreSurgery.deleteEvent(dir.resolve("b-0"), key);
        b.open(0);
        settle();
        assertThat(holders(key)).as("no pass notices: nothing in the plans changed").containsExactlyInAnyOrder("a", "c");

        Node a = nodes.get("a");
        a.service.capPauses(20);
        a.service.start();
        List<EventRepairer.Outcome> outcomes = a.service.repairNow(List.of(key, "20261125T041500123-00000-0000000000000009999"));
        assertThat(outcomes).extracting(EventRepairer.Outcome::what)
                .containsExactlyInAnyOrder("copied to [b]; now on [a, c, b]", "not held on a");
        await().atMost(Duration.ofSeconds(10)).until(() -> holders(key).size() == 3);
        assertThat(b.store.meta(key).orElseThrow().replicas()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void statusCountsWhatIsLeftAndTheGaugeFallsToZero() throws Exception {
        cluster("a", "z1", "b", "z2", "c", "z3", "d", "z1");
        write(90, 3);
        settle();
        topic.remove("d");
        nodes.get("d").up = false;
        Node a = nodes.get("b");
        a.service.turn(); // sees the drop: a new pass
        a.service.turn(); // counts
        RepairStatus s = a.status();
        assertThat(s.state()).isEqualTo("REPAIRING");
        assertThat(s.toRepair()).isPositive();
        assertThat(s.underReplicated()).isPositive().isLessThanOrEqualTo(s.toRepair());
        assertThat(s.intervalsLeft()).isBetween(1, 3);
        settle();
        assertThat(a.status().underReplicated()).isZero();
        assertThat(a.status().state()).isEqualTo("IDLE");
        assertThat(Set.of(a.status().lastPass())).allMatch(p -> p.contains("looked at"));
    }
}
