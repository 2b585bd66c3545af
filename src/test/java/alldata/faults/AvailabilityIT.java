package alldata.faults;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import alldata.dev.EmbeddedKafka;
import alldata.protocol.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Availability at the defaults: three sidecar processes with every setting at its default except
 * the scenario's replication (RF 3 over zones a, b, c, QUORUM, as the dev nodes run), a bursty producer that sends
 * each burst as fast as the client goes, and a node crash, a pause or a rolling restart in the middle. Nothing may
 * FAIL, since a QUORUM stays reachable throughout; every ingest record gets exactly one outcome; {@code alldata verify}
 * is clean. Each scenario prints its put latency (result timestamp minus ingest timestamp), measured, not asserted.
 */
class AvailabilityIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final Map<String, String> DEFAULTS = ScenarioCheck.DEV_REPLICATION;
    private static final int EVENTS = ScenarioCheck.USER_LOAD_EVENTS;

    /** Kept when a scenario fails: it holds every node's log ({@code node-<i>.log}) and data. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private EmbeddedKafka kafka;
    private ProcessCluster cluster;
    private BurstLoad load;

    private void startCluster(Map<String, String> config) throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        cluster = new ProcessCluster(kafka.bootstrapServers(), dir, 3, config).startAll();
    }

    @AfterEach
    void stop() throws Exception {
        if (load != null) {
            load.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private void afterBurst(int bursts) {
        load.awaitBursts(bursts);
    }

    private void settle(String scenario, boolean exactlyOnce) throws Exception {
        ScenarioCheck.settleLoad(scenario, kafka.bootstrapServers(), TOPICS, cluster, load, EVENTS, exactlyOnce);
    }

    private void aPutStillCommits() throws Exception {
        ScenarioCheck.aPutStillCommits(kafka.bootstrapServers(), TOPICS);
    }

    /**
     * SIGKILL node-2 and start it again a few seconds later; once it is ready, the same with node-3. The restarted
     * node takes its own ingest partitions and command topic back (static membership); the other nodes' puts
     * commit on the two replicas they reach, and those waiting for the dead node wait for its return.
     */
    @ParameterizedTest(name = "processing.guarantee={0}")
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void aNodeKilledAndRestartedThenAnotherFailNothing(String guarantee) throws Exception {
        // the default guarantee always, the other one when asked (-Dfaults.all=true)
        assumeTrue(guarantee.equals("exactly_once_v2") || Boolean.getBoolean("faults.all"),
                "the at_least_once variant runs with -Dfaults.all=true");
        Map<String, String> config = new HashMap<>(DEFAULTS);
        if (!guarantee.equals("exactly_once_v2")) {
            config.put("processing.guarantee", guarantee); // the setting under test
        }
        startCluster(config);
        load = BurstLoad.start(kafka.bootstrapServers(), TOPICS.ingest(), EVENTS, 3_000, 3_000);
        afterBurst(2);
        cluster.kill(2);
        afterBurst(3);
        cluster.start(2);
        cluster.awaitHealthy(2);
        afterBurst(6);
        cluster.kill(3);
        afterBurst(7);
        cluster.start(3);
        cluster.awaitHealthy(3);
        settle("kill: node-2, then node-3 SIGKILLed and restarted, " + guarantee, guarantee.equals("exactly_once_v2"));
        aPutStillCommits();
    }

    /**
     * SIGSTOP node-2 for 60 s, then node-3 for 20 s: a GC-length pause or a stalled VM. The paused node's partitions
     * move once its session expires; when it wakes it is a zombie that must repeat nothing.
     */
    @Test
    @Tag("long-fault") // -Pfaults-long: 80 s of pauses
    void pausedNodesFailNothingAndTheWokenZombieRepeatsNothing() throws Exception {
        startCluster(DEFAULTS);
        load = BurstLoad.start(kafka.bootstrapServers(), TOPICS.ingest(), EVENTS, 1_000, 3_000);
        afterBurst(2);
        cluster.pause(2);
        TimeUnit.SECONDS.sleep(60); // the length of the fault
        cluster.resume(2);
        cluster.awaitHealthy(2);
        cluster.pause(3);
        TimeUnit.SECONDS.sleep(20); // the length of the fault
        cluster.resume(3);
        cluster.awaitHealthy(3);
        settle("pause: node-2 SIGSTOPped for 60 s, then node-3 for 20 s", true);
        aPutStillCommits();
    }

    /** SIGTERM each node in turn, wait for it to exit, start it again and wait until it is ready: a routine upgrade. */
    @Test
    void aRollingRestartUnderLoadFailsNothing() throws Exception {
        startCluster(DEFAULTS);
        load = BurstLoad.start(kafka.bootstrapServers(), TOPICS.ingest(), EVENTS, 3_000, 3_000);
        afterBurst(2);
        for (int i = 1; i <= 3; i++) {
            cluster.stop(i);
            cluster.start(i);
            cluster.awaitHealthy(i);
        }
        settle("rolling restart: SIGTERM, start, ready, node by node", true);
        aPutStillCommits();
    }
}
