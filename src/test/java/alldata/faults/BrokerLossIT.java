package alldata.faults;


import alldata.protocol.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker loss at the defaults (docs/operations.md, "A multi-broker Kafka cluster"): three broker processes (KRaft, each also a controller), three
 * sidecar processes with every setting at its default except the dev nodes' replication (RF 3 over zones a, b, c,
 * QUORUM) — so AllData's topics get three replicas and {@code min.insync.replicas} 2 — and the bursty producer of
 * {@link AvailabilityIT}. A broker SIGKILLed under load takes partition leaders and the transaction and group
 * coordinators with it; nothing may FAIL and every ingest record gets exactly one outcome. Put latency is printed,
 * not asserted.
 */
@Tag("long-fault") // -Pfaults-long: three broker processes beside three sidecars
class BrokerLossIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final Map<String, String> DEFAULTS = ScenarioCheck.DEV_REPLICATION;
    private static final int EVENTS = ScenarioCheck.USER_LOAD_EVENTS;

    /** Kept when the scenario fails: every broker's and node's log ({@code broker-<i>.log}, {@code node-<i>.log}). */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private ProcessBrokers brokers;
    private ProcessCluster cluster;
    private BurstLoad load;

    @AfterEach
    void stop() throws Exception {
        if (load != null) {
            load.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (brokers != null) {
            brokers.close();
        }
    }

    private void afterBurst(int bursts) {
        load.awaitBursts(bursts);
    }

    /**
     * SIGKILL broker 2 after the second burst and start it again after the third; once it is back in every ISR, the
     * same with broker 3. A controller quorum of three survives one loss; with three replicas and min ISR 2 every
     * partition keeps taking writes.
     */
    @Test
    void twoBrokersKilledAndRestartedInTurnFailNothing() throws Exception {
        brokers = new ProcessBrokers(dir, 3).startAll();
        String bootstrap = brokers.bootstrapServers();
        cluster = new ProcessCluster(bootstrap, dir, 3, DEFAULTS).startAll();
        load = BurstLoad.start(bootstrap, TOPICS.ingest(), EVENTS, 3_000, 3_000);
        for (int broker : new int[] {2, 3}) {
            int before = Math.max(2, load.burstsSent());
            afterBurst(before);
            long killed = System.nanoTime();
            brokers.kill(broker);
            System.out.printf("BROKER %d killed after burst %d of %d%n", broker, load.burstsSent(), load.bursts());
            afterBurst(before + 1);
            brokers.start(broker);
            brokers.awaitUp(broker);
            long up = System.nanoTime();
            Duration inSync = brokers.awaitInSync(broker);
            System.out.printf("BROKER %d up %d ms after the kill, back in every ISR %d ms later, at burst %d%n", broker,
                    TimeUnit.NANOSECONDS.toMillis(up - killed), inSync.toMillis(), load.burstsSent());
        }
        settle("broker loss: broker 2, then broker 3 SIGKILLed and restarted", bootstrap);
        aPutStillCommits(bootstrap);
    }

    private void settle(String scenario, String bootstrap) throws Exception {
        ScenarioCheck.settleLoad(scenario, bootstrap, TOPICS, cluster, load, EVENTS, true);
    }

    private void aPutStillCommits(String bootstrap) throws Exception {
        ScenarioCheck.aPutStillCommits(bootstrap, TOPICS);
    }
}
