package alldata.cli;

import alldata.client.ClusterMembers;
import alldata.protocol.MemberRecord;
import alldata.protocol.MembershipTable;
import alldata.sidecar.membership.MembershipAgent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code alldata peers [list | drop ID]}: the membership view, and dropping a dead peer. */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = {"List the members of the cluster (from the membership topic), or drop one.",
                "  peers          same as 'peers list'",
                "  peers list     node, zone, region, state, live, last heartbeat, HTTP",
                "  peers drop ID  write ID's tombstone, so that coordinators stop placing",
                "                 replicas on it (a live node re-announces itself with",
                "                 its next heartbeat)",
                "Exit code: 0 done; 1 no such member to drop, or Kafka cannot be reached;",
                "2 bad usage."})
final class PeersCommand implements Callable<Integer> {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", arity = "0..1", defaultValue = "list", paramLabel = "ACTION", description = "list or drop.")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "The node to drop.")
    String id;

    @Option(names = "--session-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "A member is live while its last heartbeat is younger than this (default ${DEFAULT-VALUE}).")
    Duration sessionTimeout;

    @Mixin
    ReachTimeout timeout;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // bad usage is said before Kafka is asked anything
        if (!action.equals("list") && !action.equals("drop")) {
            err.println("error: unknown action '" + action + "': use list or drop");
            return 2;
        }
        if (action.equals("drop") && id == null) {
            err.println("error: 'peers drop' needs the node id to drop");
            return 2;
        }
        Map<String, Object> config = kafka.connect(timeout.value);
        MembershipTable members = ClusterMembers.read(config, kafka.topics(), READ_TIMEOUT);
        long now = System.currentTimeMillis();
        if (action.equals("list")) {
            list(members, now, sessionTimeout.toMillis(), out);
            return 0;
        }
        if (members.member(id).isEmpty()) {
            err.println("error: " + unknownPeer(id, members.members().values()));
            return 1;
        }
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            MembershipAgent.drop(p, kafka.topics(), id);
        }
        out.println("dropped " + id + (members.isLive(id, now, sessionTimeout.toMillis())
                ? " (it is live: it re-announces itself with its next heartbeat)" : ""));
        return 0;
    }

    /** The table of {@code peers list}: every member in node order, whether it is live at {@code nowMs}. */
    static void list(MembershipTable members, long nowMs, long sessionTimeoutMs, PrintWriter out) {
        out.printf("%-16s %-10s %-10s %-8s %-5s %-10s %s%n", "NODE", "ZONE", "REGION", "STATE", "LIVE", "HEARTBEAT", "HTTP");
        for (MemberRecord m : members.members().values()) {
            out.printf("%-16s %-10s %-10s %-8s %-5s %-10s %s%n", m.node(), m.zone(), m.region(), m.state(),
                    m.liveWithin(sessionTimeoutMs, nowMs) ? "yes" : "no", ((nowMs - m.heartbeatMs()) / 1000) + "s ago",
                    m.http());
        }
    }

    /** Why {@code id} cannot be dropped, naming the members that can. */
    static String unknownPeer(String id, Collection<MemberRecord> members) {
        String known = members.stream().map(MemberRecord::node).sorted().collect(Collectors.joining(", "));
        return "unknown peer '" + id + "': " + (known.isEmpty() ? "the membership topic has no members"
                : "the known peers are " + known);
    }
}
