package alldata.cli;

import alldata.client.ClusterMembers;
import alldata.client.RepairClient;
import alldata.client.RepairProgress;
import alldata.protocol.MemberRecord;
import alldata.protocol.MembershipTable;
import alldata.protocol.RepairStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code alldata decommission NODE}: moves every replica off a live node, then tombstones it. */
@Command(name = "decommission", mixinStandardHelpOptions = true,
        description = {"Decommission a live node: move its replicas to other nodes, then remove it.",
                "The node stops taking new replicas and coordinating, copies every event it",
                "holds to other nodes (as if it were lost), and writes its tombstone. Shows",
                "progress until the tombstone is in the membership topic; then stop the",
                "node's sidecar.",
                "Exit code: 0 decommissioned; 1 refused, failed or timed out, or Kafka or the",
                "node cannot be reached; 2 bad usage."})
final class DecommissionCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    TokenOption token;

    @Parameters(paramLabel = "NODE", description = "The node to decommission.")
    String node;

    @Option(names = "--timeout", defaultValue = "360m", converter = DurationConverter.class,
            description = "Give up waiting for the decommission after this long (default ${DEFAULT-VALUE});"
                    + " the node carries on.")
    Duration timeout;

    @Mixin
    ConnectTimeout connectTimeout;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> config = kafka.connect(connectTimeout.value);
        MembershipTable members = ClusterMembers.read(config, kafka.topics());
        if (members.tombstoned(node)) {
            out.println(node + " is decommissioned already (its tombstone is in " + kafka.topics().membership() + ")");
            return 0;
        }
        MemberRecord m = members.member(node).orElse(null);
        if (m == null || m.http() == null) {
            err.println("error: " + PeersCommand.unknownPeer(node, members.members().values()));
            return 1;
        }
        RepairClient client = token.repairClient();
        try {
            RepairStatus s = client.decommission(m.httpUrl());
            out.println("decommission of " + node + " started: " + RepairProgress.line(s, false));
        } catch (IllegalStateException refused) {
            err.println("error: " + refused.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("error: cannot reach " + node + "'s HTTP API at " + m.httpUrl() + " (the address it announces in "
                    + kafka.topics().membership() + "): " + e.getMessage() + "; is its sidecar running?");
            return 1;
        }
        boolean terminal = System.console() != null;
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastPrint = 0;
        while (System.nanoTime() < deadline) {
            if (ClusterMembers.read(config, kafka.topics()).tombstoned(node)) {
                out.println((terminal ? "\n" : "") + node + " decommissioned: every replica moved and its tombstone is in "
                        + kafka.topics().membership() + "; stop its sidecar");
                out.flush();
                return 0;
            }
            try {
                RepairStatus s = client.status(m.httpUrl());
                if (terminal) {
                    out.print("\r" + RepairProgress.line(s, true) + "   ");
                } else if (System.nanoTime() - lastPrint > 5_000_000_000L) {
                    out.println(RepairProgress.line(s, false));
                    lastPrint = System.nanoTime();
                }
            } catch (IOException e) {
                out.println((terminal ? "\n" : "") + node + " not reachable (" + e.getMessage() + "); waiting");
            }
            out.flush();
            Thread.sleep(1000);
        }
        err.println("error: " + node + " was not decommissioned within " + timeout.toSeconds() + " s; it carries on: see"
                + " 'alldata repair status'");
        return 1;
    }
}
