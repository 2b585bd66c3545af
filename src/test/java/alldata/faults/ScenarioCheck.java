package alldata.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.core.CommitLevel;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What every fault scenario checks once its faults are over: every valid event COMMITTED on as many nodes as its
 * level required, at most one outcome per ingest record (exactly one under {@code exactly_once_v2}; identical repeats
 * under {@code at_least_once}), and {@code alldata verify} clean with every node back.
 */
final class ScenarioCheck {
    /**
     * The dev nodes' replication ({@code config/node-N.properties}: RF 3 over three zones, QUORUM); every timeout at
     * its default.
     */
    static final Map<String, String> DEV_REPLICATION = Map.of(
            "replication.factor", "3",
            "replication.other.zone.replicas", "2",
            "commit.level", "QUORUM");
    /** Events of a user-shaped scenario: tens of thousands, sent in bursts. */
    static final int USER_LOAD_EVENTS = 30_000;
    private ScenarioCheck() {
    }

    /**
     * Waits up to {@code within} until every valid ingest record has a COMMITTED outcome, then checks the ledger
     * and runs {@code alldata verify}.
     */
    static Ledger settle(String scenario, String bootstrap, Topics topics, ProcessCluster cluster, Predicate<byte[]> isValid,
                         Duration within, boolean exactlyOnce) throws Exception {
        try {
            await(scenario + ": every event committed").atMost(within).pollInterval(Duration.ofSeconds(2))
                    .until(() -> Ledger.check(bootstrap, topics, cluster, isValid).lost() == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through: the report below says what is missing
        }
        Ledger l = Ledger.check(bootstrap, topics, cluster, isValid);
        System.out.println("SCENARIO " + scenario + ": " + l);
        assertThat(l.lost()).as(l.toString()).isZero();
        assertThat(l.committed()).as(l.toString()).isEqualTo(l.valid());
        assertThat(l.contradictory()).as(l.toString()).isZero();
        assertThat(l.strays()).as(l.toString()).isZero();
        if (exactlyOnce) {
            assertThat(l.repeated()).as(l.toString()).isZero();
            assertThat(l.outcomes()).as(l.toString()).isEqualTo(l.eventsIn());
        }
        verify(scenario, bootstrap, cluster);
        return l;
    }

    /**
     * Once {@code load} is sent: {@link #settle} with exactly one outcome each, the scenario's line with its put
     * latency (measured, never asserted), every event of the load COMMITTED and none FAILED.
     */
    static Ledger settleLoad(String scenario, String bootstrap, Topics topics, ProcessCluster cluster, BurstLoad load,
                             int events, boolean exactlyOnce) throws Exception {
        load.awaitSent();
        Ledger l = settle(scenario, bootstrap, topics, cluster, BurstLoad::isLoad, Duration.ofMinutes(5), exactlyOnce);
        PutLatency latency = PutLatency.measure(bootstrap, topics);
        System.out.printf("SCENARIO %s: %d outcomes, %d FAILED, %d repeated; %s%n", scenario, l.outcomes(), l.failed(),
                l.repeated(), latency);
        assertThat(l.valid()).isEqualTo(events);
        assertThat(l.failed()).as(l.toString()).isZero();
        return l;
    }

    /** A new put commits once the faults are over: the cluster is not left stuck. */
    static void aPutStillCommits(String bootstrap, Topics topics) throws Exception {
        try (alldata.client.AllDataClient client = new alldata.client.AllDataClient(Map.of("bootstrap.servers", bootstrap),
                topics, Duration.ofSeconds(60))) {
            PutOutcome after = client.put("{\"after\":\"the faults\"}".getBytes(StandardCharsets.UTF_8),
                    CommitLevel.QUORUM).get(90, TimeUnit.SECONDS);
            assertThat(after.status()).as(after.toString()).isEqualTo(PutOutcome.Status.COMMITTED);
        }
    }

    /** {@code alldata verify}, as an operator runs it once every node is back: nothing missing or under-replicated. */
    static void verify(String scenario, String bootstrap, ProcessCluster cluster) throws Exception {
        List<String> args = new ArrayList<>(List.of("verify", "--bootstrap", bootstrap));
        for (int i = 1; i <= cluster.size(); i++) {
            if (!cluster.alive(i)) {
                cluster.start(i);
                cluster.awaitHealthy(i);
            }
            args.add("--node");
            args.add(ProcessCluster.id(i) + "=" + cluster.http(i));
        }
        System.out.println("VERIFY " + scenario + ":");
        assertThat(alldata.cli.AllDataCli.run(args.toArray(String[]::new))).as("alldata verify exit code (output above)").isZero();
    }
}
