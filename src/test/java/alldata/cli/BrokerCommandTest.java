package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code alldata broker}'s options and the broker settings they lead to, without starting a broker. */
class BrokerCommandTest {
    @TempDir
    Path dir;

    private BrokerCommand parse(String... args) {
        BrokerCommand c = new BrokerCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    private Map<Integer, Map<String, String>> configs(String... args) throws Exception {
        return parse(args).plan().builder().brokerConfigs();
    }

    @Test
    void theDefaultIsOneNodeOnPort9092WithOneReplicaOfEachInternalTopic() throws Exception {
        BrokerCommand.Plan plan = parse("--data-dir", dir.toString()).plan();
        Map<Integer, Map<String, String>> configs = plan.builder().brokerConfigs();

        assertThat(plan.member()).isFalse();
        assertThat(plan.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(configs).containsOnlyKeys(1);
        Map<String, String> c = configs.get(1);
        assertThat(c.get("listeners")).startsWith("PLAINTEXT://localhost:9092,CONTROLLER://localhost:");
        assertThat(c).containsEntry("log.dirs", dir.resolve("logs").toString())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1");
        assertThat(dir).isEmptyDirectory(); // nothing written by a plan
    }

    @Test
    void threeNodesInThisProcessGetConsecutivePortsAndThreeReplicasOfTheInternalTopics() throws Exception {
        BrokerCommand.Plan plan = parse("--nodes", "3", "--port", "19092", "--controller-port", "19192",
                "--data-dir", dir.toString()).plan();
        Map<Integer, Map<String, String>> configs = plan.builder().brokerConfigs();

        assertThat(plan.bootstrapServers()).isEqualTo("localhost:19092,localhost:19093,localhost:19094");
        assertThat(configs).containsOnlyKeys(1, 2, 3);
        Map<String, String> second = configs.get(2);
        assertThat(second).containsEntry("node.id", "2")
                .containsEntry("listeners", "PLAINTEXT://localhost:19093,CONTROLLER://localhost:19193")
                .containsEntry("controller.quorum.voters", "1@localhost:19192,2@localhost:19193,3@localhost:19194")
                .containsEntry("log.dirs", dir.resolve("node-2").resolve("logs").toString())
                .containsEntry("default.replication.factor", "3")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
    }

    @Test
    void oneNodeOfAClusterOfProcessesDerivesItsPortsControllersAndClusterIdFromTheSharedOptions() throws Exception {
        BrokerCommand.Plan plan = parse("--nodes", "3", "--node-id", "3", "--port", "19092",
                "--data-dir", dir.toString()).plan();
        Map<Integer, Map<String, String>> configs = plan.builder().brokerConfigs();

        assertThat(plan.member()).isTrue();
        assertThat(plan.bootstrapServers()).isEqualTo("localhost:19092,localhost:19093,localhost:19094");
        assertThat(plan.localPorts()).containsExactly(19094, 19194);
        assertThat(configs).containsOnlyKeys(3);
        assertThat(configs.get(3)).containsEntry("node.id", "3")
                .containsEntry("listeners", "PLAINTEXT://localhost:19094,CONTROLLER://localhost:19194")
                .containsEntry("controller.quorum.voters", "1@localhost:19192,2@localhost:19193,3@localhost:19194")
                .containsEntry("log.dirs", dir.resolve("node-3").resolve("logs").toString())
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
        // every node computes the same cluster id from the same options
        assertThat(BrokerCommand.derivedClusterId("1@localhost:19192,2@localhost:19193,3@localhost:19194"))
                .isEqualTo(BrokerCommand.derivedClusterId("1@localhost:19192, 2@localhost:19193, 3@localhost:19194"))
                .isNotEqualTo(BrokerCommand.derivedClusterId("1@localhost:29192,2@localhost:29193,3@localhost:29194"))
                .hasSize(22);
    }

    @Test
    void votersGiveTheQuorumAndThePortIsThisNodesOwn() throws Exception {
        Map<Integer, Map<String, String>> configs = configs("--node-id", "2", "--port", "31002",
                "--voters", "1@localhost:32001,2@localhost:32002,3@localhost:32003", "--cluster-id", "MkU3OEVBNTcwNTJENDM2Qg",
                "--data-dir", dir.toString());

        assertThat(configs.get(2))
                .containsEntry("listeners", "PLAINTEXT://localhost:31002,CONTROLLER://localhost:32002")
                .containsEntry("controller.quorum.voters", "1@localhost:32001,2@localhost:32002,3@localhost:32003")
                .containsEntry("default.replication.factor", "3");
    }

    @Test
    void inconsistentOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> parse("--nodes", "3", "--node-id", "4").plan())
                .hasMessageContaining("--node-id must be within 1..3");
        assertThatThrownBy(() -> parse("--voters", "1@localhost:1,2@localhost:2").plan())
                .hasMessageContaining("--voters needs --node-id");
        assertThatThrownBy(() -> parse("--node-id", "2", "--voters", "1@localhost:1,2localhost:2").plan())
                .hasMessageContaining("'2localhost:2' is not id@host:port");
        assertThatThrownBy(() -> parse("--node-id", "3", "--voters", "1@localhost:1,2@localhost:2").plan())
                .hasMessageContaining("node 3 is not one of the voters");
        assertThatThrownBy(() -> parse("--nodes", "3", "--node-id", "1", "--port", "0").plan())
                .hasMessageContaining("--port must be given");
        assertThatThrownBy(() -> parse("--nodes", "0").plan()).hasMessageContaining("--nodes must be at least 1");
    }

    @Test
    void aMemberRefusesADataDirectoryOfAnotherCluster() throws Exception {
        Path meta = dir.resolve("node-1").resolve("metadata");
        java.nio.file.Files.createDirectories(meta);
        java.nio.file.Files.writeString(meta.resolve("meta.properties"), "cluster.id=AAAAAAAAAAAAAAAAAAAAAQ\nnode.id=1\n");

        assertThatThrownBy(() -> parse("--nodes", "3", "--node-id", "1", "--port", "19092", "--data-dir", dir.toString())
                .plan().builder().start())
                .hasMessageContaining("belongs to Kafka cluster AAAAAAAAAAAAAAAAAAAAAQ");
    }
}
