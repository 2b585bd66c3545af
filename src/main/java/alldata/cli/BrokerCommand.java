package alldata.cli;

import alldata.dev.EmbeddedKafka;
import alldata.dev.LocalPorts;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alldata broker}: the embedded KRaft broker alone, for sidecars run as separate processes: one node, a
 * cluster of several nodes in this process ({@code --nodes 3}), or one node of a cluster whose other nodes run as
 * processes of their own ({@code --nodes 3 --node-id 2}, or {@code --voters}).
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run an embedded Kafka broker (KRaft) until Ctrl-C.",
                "For sidecars run as separate processes without Docker:",
                "  ./alldata sidecar --config config/node-1.properties",
                "Topics and offsets are kept in --data-dir across restarts.",
                "A three-broker cluster in this process:",
                "  ./alldata broker --nodes 3",
                "The same cluster as three processes, each killable on its own:",
                "  ./alldata broker --nodes 3 --node-id 1   (and --node-id 2, 3)"})
final class BrokerCommand implements Callable<Integer> {
    /** How far above the first client port the controllers listen when a member is given no controller port. */
    static final int CONTROLLER_PORT_OFFSET = 100;

    @Option(names = "--port", defaultValue = "9092", description = {
            "Client port on localhost of the first node; node i listens on this port + i - 1.",
            "With --voters, this node's own client port (default ${DEFAULT-VALUE})."})
    int port;

    @Option(names = "--controller-port", defaultValue = "0", description = {
            "Controller port of the first node; node i listens on this port + i - 1.",
            "0 (the default) picks free ports for a cluster in this process, and the client port + "
                    + CONTROLLER_PORT_OFFSET + " for one node of a cluster run as separate processes (--node-id)."})
    int controllerPort;

    @Option(names = "--nodes", defaultValue = "1", description = {
            "Brokers in the cluster, each also a controller (default ${DEFAULT-VALUE}).",
            "Without --node-id they all run in this process."})
    int nodes;

    @Option(names = "--node-id", description = {
            "Run only this node (1 to --nodes) of the cluster; the others run as processes of their own, started"
                    + " with the same --nodes, --port, --controller-port and --cluster-id."})
    Integer nodeId;

    @Option(names = "--voters", description = {
            "The cluster's controllers, id@host:port separated by commas, instead of ports derived from --nodes and"
                    + " --controller-port; needs --node-id.",
            "Example: 1@localhost:9192,2@localhost:9193,..."})
    String voters;

    @Option(names = "--cluster-id", description = {
            "Kafka cluster id shared by every node (as kafka-storage random-uuid prints it).",
            "Default for --node-id: one derived from the voters, so the nodes agree without it."})
    String clusterId;

    @Option(names = "--data-dir", defaultValue = "./data/kafka", description = {
            "Broker data (default ${DEFAULT-VALUE}); node i of a cluster keeps its own in node-i under it."})
    Path dataDir;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        for (int p : plan.localPorts()) {
            LocalPorts.requireFree(p, "the Kafka broker", plan.member() ? "--port or --controller-port (or --voters)"
                    : "--port or --controller-port");
        }
        EmbeddedKafka kafka = plan.builder().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "alldata-broker-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        String what = plan.member() ? "Kafka broker node " + nodeId + " of " + kafka.nodeCount()
                : kafka.nodeCount() == 1 ? "Kafka broker" : "Kafka cluster of " + kafka.nodeCount() + " brokers";
        out.println(what + " up; bootstrap servers: " + plan.bootstrapServers() + " (cluster id " + kafka.clusterId()
                + ", controllers " + kafka.voters() + ", data in " + kafka.dataDir() + "); Ctrl-C stops it");
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * What the options ask for, checked.
     *
     * @param builder          the embedded broker to start
     * @param bootstrapServers every broker of the cluster that the options know of (with {@code --voters}, this one)
     * @param localPorts       the ports this process will listen on (0: picked when started)
     * @param member           whether this process runs one node of a cluster run as several processes
     */
    record Plan(EmbeddedKafka.Builder builder, String bootstrapServers, List<Integer> localPorts, boolean member) {
    }

    /** @throws IllegalArgumentException naming the option to fix */
    Plan plan() {
        requirePort(port, "--port");
        requirePort(controllerPort, "--controller-port");
        if (nodes < 1) {
            throw new IllegalArgumentException("--nodes must be at least 1, got " + nodes);
        }
        if (voters != null && nodeId == null) {
            throw new IllegalArgumentException("--voters needs --node-id: the node of the cluster this process runs");
        }
        EmbeddedKafka.Builder b = EmbeddedKafka.builder(dataDir);
        if (nodeId == null) {
            if (clusterId != null) {
                b.clusterId(clusterId);
            }
            b.port(port).controllerPort(controllerPort).nodes(nodes);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                ports.add(port == 0 ? 0 : port + i);
                ports.add(controllerPort == 0 ? 0 : controllerPort + i);
            }
            return new Plan(b, port == 0 ? "(ports picked at start)" : derivedBootstrap(nodes), ports, false);
        }
        if (port == 0) {
            throw new IllegalArgumentException("--port must be given (not 0) with --node-id: the other nodes find this one there");
        }
        String quorum;
        int ownPort;
        String bootstrap;
        if (voters != null) {
            if (nodes != 1 && nodes != EmbeddedKafka.Voters.parse(voters).size()) {
                throw new IllegalArgumentException("--nodes " + nodes + " differs from the " + EmbeddedKafka.Voters
                        .parse(voters).size() + " controllers of --voters; leave --nodes out with --voters");
            }
            quorum = voters;
            ownPort = port;
            bootstrap = "localhost:" + port;
        } else {
            if (nodeId < 1 || nodeId > nodes) {
                throw new IllegalArgumentException("--node-id must be within 1.." + nodes + " (--nodes), got " + nodeId);
            }
            int firstController = controllerPort != 0 ? controllerPort : port + CONTROLLER_PORT_OFFSET;
            List<String> v = new ArrayList<>();
            for (int i = 1; i <= nodes; i++) {
                v.add(i + "@localhost:" + (firstController + i - 1));
            }
            quorum = String.join(",", v);
            ownPort = port + nodeId - 1;
            requirePort(ownPort, "--port");
            requirePort(firstController + nodes - 1, "--controller-port");
            bootstrap = derivedBootstrap(nodes);
        }
        b.member(nodeId, quorum).port(ownPort).clusterId(clusterId != null ? clusterId : derivedClusterId(quorum));
        int ownControllerPort = EmbeddedKafka.Voters.parse(quorum).voter(nodeId).port();
        return new Plan(b, bootstrap, List.of(ownPort, ownControllerPort), true);
    }

    private String derivedBootstrap(int count) {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            servers.add("localhost:" + (port + i));
        }
        return String.join(",", servers);
    }

    /**
     * A cluster id that every node computes alike from the voters, so that nodes started with the same options agree
     * without being told one (a name-based UUID, in Kafka's base64 form).
     */
    static String derivedClusterId(String voters) {
        UUID u = UUID.nameUUIDFromBytes(("alldata-kafka-cluster " + voters.replace(" ", ""))
                .getBytes(StandardCharsets.UTF_8));
        return new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits()).toString();
    }

    private static void requirePort(int p, String option) {
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(option + " must be within 0..65535, got " + p);
        }
    }
}
