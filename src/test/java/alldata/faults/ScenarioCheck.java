package alldata.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What every fault scenario checks once its faults are over: every valid event COMMITTED on as many nodes as its
 * level required, at most one outcome per ingest record (exactly one under {@code exactly_once_v2}; identical repeats
 * under {@code at_least_once}), and {@code alldata verify} clean with every node back.
 */
final class ScenarioCheck {
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
