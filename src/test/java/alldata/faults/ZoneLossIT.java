package alldata.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.dev.EmbeddedKafka;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault-domain-aware commits (docs/architecture.md, "Fault domains"): six sidecar processes in zones a, b, c (node-1 and node-4 in a, node-2
 * and node-5 in b, node-3 and node-6 in c), RF 3 with two other-zone replicas, QUORUM and {@code commit.min.zones=2}.
 * Right after a load committed, every node of zone c is SIGKILLed: every COMMITTED event must still be readable from
 * the survivors, since its acked replicas spanned two zones. A second load commits on zones a and b meanwhile (still
 * two zones: the strategy's two other-zone replicas both land in the one other zone left); once zone c returns, repair restores the spread the strategy asks for (three zones)
 * to every event. Counts are printed, not only asserted.
 */
@Tag("long-fault") // -Pfaults-long: six sidecar processes
class ZoneLossIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final Map<String, String> CONFIG = Map.of(
            "replication.factor", "3",
            "replication.other.zone.replicas", "2",
            "commit.level", "QUORUM",
            "commit.min.zones", "2");
    private static final String[] ZONES = {"a", "b", "c"};
    private static final int BEFORE = 6_000;
    private static final int DURING = 2_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private EmbeddedKafka kafka;
    private ProcessCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String zoneOf(String node) {
        return ZONES[(Integer.parseInt(node.substring("node-".length())) - 1) % ZONES.length];
    }

    private List<PutOutcome> outcomes() {
        List<PutOutcome> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : Ledger.read(kafka.bootstrapServers(), TOPICS.results())) {
            out.add(Wire.decode(r.value(), PutOutcome.class));
        }
        return out;
    }

    /** Sends {@code events} in bursts and waits until each has an outcome; returns every outcome so far. */
    private List<PutOutcome> load(int events, int expectedOutcomes) throws Exception {
        try (BurstLoad load = BurstLoad.start(kafka.bootstrapServers(), TOPICS.ingest(), events, 1_000, 2_000)) {
            load.awaitSent();
        }
        await("outcomes of the load").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                .until(() -> outcomes().size() >= expectedOutcomes);
        return outcomes();
    }

    /** Events whose holders among {@code stores} span fewer than {@code zones} zones. */
    private static int spanningFewer(List<PutOutcome> committed, Map<String, Map<String, byte[]>> stores, int zones) {
        int fewer = 0;
        for (PutOutcome o : committed) {
            Set<String> at = new HashSet<>();
            stores.forEach((node, events) -> {
                if (events.containsKey(o.key())) {
                    at.add(zoneOf(node));
                }
            });
            if (at.size() < zones) {
                fewer++;
            }
        }
        return fewer;
    }

    @Test
    void losingAWholeZoneLosesNoCommittedEventAndRepairRestoresSpreadWhenItReturns() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        cluster = new ProcessCluster(kafka.bootstrapServers(), dir, 6, CONFIG, ZONES).startAll();

        List<PutOutcome> first = load(BEFORE, BEFORE);
        List<PutOutcome> committed = first.stream().filter(PutOutcome::committed).toList();
        long narrow = committed.stream().filter(o -> o.placement() == null || o.placement().ackedZones().size() < 2).count();
        System.out.printf("ZONES before the loss: %d outcomes, %d COMMITTED, %d FAILED, %d committed on fewer than 2 zones%n",
                first.size(), committed.size(), first.size() - committed.size(), narrow);
        assertThat(narrow).as("a COMMITTED put with min zones 2 has acked replicas in 2 zones").isZero();

        cluster.kill(3);
        cluster.kill(6);
        Map<String, Map<String, byte[]>> survivors = new java.util.LinkedHashMap<>();
        for (int i : new int[] {1, 2, 4, 5}) {
            survivors.put(ProcessCluster.id(i), cluster.storedEvents(i));
        }
        long unreadable = committed.stream()
                .filter(o -> survivors.values().stream().noneMatch(s -> s.containsKey(o.key()))).count();
        System.out.printf("ZONES zone c SIGKILLed: %d of %d COMMITTED events unreadable from the survivors%n", unreadable,
                committed.size());
        assertThat(unreadable).isZero();

        // the second load starts once every survivor sees zone c down: its plans then fall back to zones a and b
        await("zone c seen down").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    for (int i : new int[] {1, 2, 4, 5}) {
                        if (!cluster.get(i, "/health/ready").body().contains("4 live members")) {
                            return false;
                        }
                    }
                    return true;
                });
        List<PutOutcome> all = load(DURING, BEFORE + DURING);
        List<PutOutcome> during = all.subList(first.size(), all.size());
        long duringCommitted = during.stream().filter(PutOutcome::committed).count();
        long fellBack = during.stream().filter(o -> o.placement() != null && !o.placement().strategyMet()).count();
        System.out.printf("ZONES during the loss: %d outcomes, %d COMMITTED, %d FAILED, %d plans fell back%n",
                during.size(), duringCommitted, during.size() - duringCommitted, fellBack);
        assertThat(during.stream().filter(PutOutcome::committed))
                .allMatch(o -> o.placement().ackedZones().size() >= 2, "acked in two zones");

        // counted before zone c returns (its stores read from disk): repair starts as soon as it is back
        List<PutOutcome> allCommitted = all.stream().filter(PutOutcome::committed).toList();
        int shortBeforeReturn = spanningFewer(allCommitted, cluster.allStoredEvents(), 3);
        System.out.printf("ZONES before zone c returns: %d of %d COMMITTED events span fewer than 3 zones%n",
                shortBeforeReturn, allCommitted.size());
        assertThat(shortBeforeReturn).as("events written while zone c was away are in zones a and b only").isPositive();
        long start = System.nanoTime();
        cluster.start(3);
        cluster.start(6);
        cluster.awaitHealthy(3);
        cluster.awaitHealthy(6);
        await("repair restores three zones").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(10))
                .until(() -> spanningFewer(allCommitted, cluster.allStoredEvents(), 3) == 0);
        System.out.printf("ZONES zone c restarted and repair restored spread to every event in %d s%n",
                Duration.ofNanos(System.nanoTime() - start).toSeconds());
        for (int i = 1; i <= 6; i++) {
            System.out.println("ZONES " + ProcessCluster.id(i) + " repair status: " + cluster.get(i, "/repair/status").body());
        }
    }
}
