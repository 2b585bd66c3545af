package alldata.cli;

import alldata.client.ClusterMembers;
import alldata.client.RepairCheck;
import alldata.client.RepairClient;
import alldata.client.RepairProgress;
import alldata.core.AllDataKey;
import alldata.protocol.RepairStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alldata repair status | check}: what every node's repair does, and a digest comparison of the nodes. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Repair: every committed event back on its replication factor.",
                "  repair status   every node's repair (from the membership topic)",
                "  repair check    compare every pair of nodes interval by interval,",
                "                  list the events that differ, and repair them"},
        subcommands = {RepairCommand.Status.class, RepairCommand.Check.class})
final class RepairCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: status or check");
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show every node's repair: state, progress, under-replicated events, rate, ETA.",
                    "A progress bar on a terminal, plain lines otherwise.",
                    "Exit code: 0 when no node reports under-replicated events; 1 otherwise,",
                    "or when Kafka cannot be reached."})
    static final class Status implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        TokenOption token;

        @Mixin
        ReachTimeout timeout;

        @Option(names = "--watch", description = "Poll until every node is idle (or Ctrl-C).")
        boolean watch;

        @Option(names = "--every", defaultValue = "2s", converter = DurationConverter.class,
                description = "Poll interval with --watch (default ${DEFAULT-VALUE}).")
        Duration every;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> nodes = ClusterMembers.read(kafka.connect(timeout.value), kafka.topics()).httpAddresses();
            if (nodes.isEmpty()) {
                spec.commandLine().getErr().println("error: no nodes in " + kafka.topics().membership());
                return 2;
            }
            boolean terminal = System.console() != null;
            RepairClient client = token.repairClient();
            while (true) {
                List<RepairStatus> all = new ArrayList<>();
                for (Map.Entry<String, String> n : nodes.entrySet()) {
                    try {
                        RepairStatus s = client.status(n.getValue());
                        all.add(s);
                        out.println(RepairProgress.line(s, terminal));
                    } catch (IOException e) {
                        out.printf("%-12s %-14s %s%n", n.getKey(), "UNREACHABLE", n.getValue() + ": " + e.getMessage());
                    }
                }
                boolean idle = all.stream().allMatch(s -> s.reason() == null);
                long under = all.stream().mapToLong(RepairStatus::underReplicated).sum();
                long placementShort = all.stream().mapToLong(RepairStatus::placementShort).sum();
                if (!watch || idle) {
                    out.println("under-replicated events: " + under + (all.size() < nodes.size() ? " (some nodes unreachable)" : ""));
                    out.println("placement short events: " + placementShort
                            + " (too few zones or regions while a missing one is live; repair spreads them)");
                    out.flush();
                    return under == 0 ? 0 : 1;
                }
                out.println("-- " + Instant.now() + " --");
                out.flush();
                Thread.sleep(every.toMillis());
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Compare every pair of nodes over [--from, --to) and repair what differs.",
                    "Interval by interval: each node's digest (count and XOR of hashes) of the",
                    "events it shares with the other, counted from its data. Lists the events of",
                    "differing intervals and asks a node that holds each to repair it, then",
                    "compares again.",
                    "Exit code: 0 all pairs agree (now); 1 differences remain, or Kafka cannot be",
                    "reached; 2 bad usage."})
    static final class Check implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        TokenOption token;

        @Mixin
        ReachTimeout timeout;

        @Option(names = "--from", required = true, converter = KeyBoundConverter.class,
                description = "First key time (prefix, e.g. 20261125) or ISO-8601 instant to include.")
        String from;

        @Option(names = "--to", converter = KeyBoundConverter.class,
                description = "First key time or instant to exclude (default: now).")
        String to;

        @Option(names = "--dry-run", description = "List what differs; repair nothing.")
        boolean dryRun;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String end = to != null ? to : AllDataKey.timePrefix(Instant.now());
            if (from.compareTo(end) >= 0) {
                throw new IllegalArgumentException("--from " + from + " is not before --to " + end
                        + ": the range is FROM <= key < TO");
            }
            Map<String, String> nodes = ClusterMembers.read(kafka.connect(timeout.value), kafka.topics()).httpAddresses();
            if (nodes.size() < 2) {
                spec.commandLine().getErr().println("error: a check compares nodes, and " + kafka.topics().membership()
                        + " has " + nodes.size());
                return 2;
            }
            RepairCheck.Result r = new RepairCheck(token.repairClient(), spec.commandLine().getOut()).run(nodes, from, end, !dryRun);
            return r.mismatches() == 0 || (!dryRun && r.consistent()) ? 0 : 1;
        }
    }
}
