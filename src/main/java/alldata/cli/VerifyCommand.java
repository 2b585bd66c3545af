package alldata.cli;

import alldata.client.ClusterMembers;
import alldata.client.RepairClient;
import alldata.client.TopicReader;
import alldata.core.FaultDomain;
import alldata.core.SpreadRequirement;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MembershipTable;
import alldata.protocol.PutOutcome;
import alldata.protocol.RepairLines;
import alldata.protocol.Wire;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alldata verify}: compares every outcome on the results topic with what the nodes actually
 * store (each node's list of the events it holds, with their replication factor and a hash of their bytes,
 * read through its HTTP API), and sorts the events that are not where they should be:
 * <ul>
 *   <li><b>missing</b>: committed, stored nowhere;</li>
 *   <li><b>below commit level</b>: on fewer nodes than the commit level required (a lost commit);</li>
 *   <li><b>under-replicated</b>: the commit level is met, but fewer copies than the replication factor, because a
 *       replica was lost after the commit (a node lost, a disk replaced): repair restores it;</li>
 *   <li><b>owed</b>: a degraded write (the outcome's {@code owed}) whose missing replicas repair has not placed
 *       yet (too few nodes, or not yet).</li>
 * </ul>
 * Apart from those it lists the <b>FAILED copies</b>: copies of FAILED puts that their nodes hold marked FAILED (never
 * read nor repaired; listed, not a problem), and two problems: an <b>unconfirmed copy</b> of a FAILED put (a node
 * holds it unmarked, so reads return it as data) and a COMMITTED event whose copy a node holds marked FAILED (not
 * counted as a replica).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check every COMMITTED outcome against the nodes' stores (via HTTP).",
                "Sorts events that are missing, below their commit level, under-replicated",
                "(below the replication factor, repairable) or owed (a degraded write not",
                "yet completed); lists replicas whose bytes differ and ingest records with",
                "contradictory outcomes (outcomes are read read_committed; an identical",
                "repeat is counted, not a problem), and FAILED copies: copies of FAILED",
                "puts, which reads and repair leave out (a copy of a FAILED put that its",
                "node does not know FAILED is a problem: reads return it).",
                "Exit code: 0 all good; 1 an event is missing or below its commit level, an",
                "unconfirmed copy of a FAILED put, or another inconsistency (with --strict:",
                "also under-replicated or owed), or Kafka cannot be reached; 2 bad usage."})
final class VerifyCommand implements Callable<Integer> {
    /** How long reading a whole topic may take. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--node", description = "A node's HTTP address as ID=HOST:PORT (repeatable); default: every member in the membership topic (a dropped or decommissioned node is none).")
    Map<String, String> nodes;

    @Option(names = "--max-listed", defaultValue = "20", description = "List at most this many problem events (default ${DEFAULT-VALUE}).")
    int maxListed;

    @Option(names = "--strict", description = "Also fail when an event is under-replicated or owed (below its replication factor).")
    boolean strict;

    @Mixin
    TokenOption token;

    @Mixin
    ReachTimeout timeout;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What verify found; also used by tests. */
    record Report(int committed, int failed, int missing, int belowCommitLevel, int underReplicated, int owed,
                  int differingBytes, int repeated, int contradictory, int failedCopies, int unconfirmedCopies,
                  int committedMarkedFailed, int placementShort, List<String> problems, List<String> failedCopyLines) {
        /** Nothing lost and nothing inconsistent ({@code strict}: and every event on its replication factor). */
        boolean ok(boolean strict) {
            return missing == 0 && belowCommitLevel == 0 && differingBytes == 0 && contradictory == 0
                    && unconfirmedCopies == 0 && committedMarkedFailed == 0
                    && (!strict || (underReplicated == 0 && owed == 0 && placementShort == 0));
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> config = kafka.connect(timeout.value);
        // with --node the membership only locates nodes for the spread check, and verify carries on without it
        MembershipTable members = nodes != null ? membersOrNone(config)
                : ClusterMembers.read(config, kafka.topics(), READ_TIMEOUT);
        Map<String, String> http = nodes != null ? nodes : members.httpAddresses();
        if (http.isEmpty()) {
            spec.commandLine().getErr().println("error: no nodes known: none in " + kafka.topics().membership() + " and no --node given");
            return 2;
        }
        Map<String, Map<String, RepairLines.KeyLine>> stored = new TreeMap<>();
        RepairClient client = token.repairClient();
        for (Map.Entry<String, String> n : http.entrySet()) {
            try {
                Map<String, RepairLines.KeyLine> held = new HashMap<>();
                for (RepairLines.KeyLine l : client.keys(n.getValue(), null, null, null)) {
                    held.put(l.key(), l);
                }
                stored.put(n.getKey(), held);
            } catch (Exception e) {
                out.printf("warning: node %s at %s not readable (%s): its replicas count as missing%s%n", n.getKey(),
                        n.getValue(), e.getMessage(), nodes != null ? "; check --node" : "");
                stored.put(n.getKey(), Map.of());
            }
        }
        Report r = check(readOutcomes(config), stored, members.domains(), maxListed);
        out.printf("nodes read:          %s%n", stored.keySet());
        out.printf("committed events:    %d%n", r.committed());
        out.printf("failed events:       %d%n", r.failed());
        out.printf("missing:             %d (committed, stored nowhere)%n", r.missing());
        out.printf("below commit level:  %d (on fewer nodes than their commit level required)%n", r.belowCommitLevel());
        out.printf("under-replicated:    %d (commit level met, below the replication factor: repair restores them)%n",
                r.underReplicated());
        out.printf("owed:                %d (degraded writes whose missing replicas are not placed yet)%n", r.owed());
        out.printf("placement short:     %d (holders span fewer zones or regions than the acked replicas did, or than"
                + " the put's minimum: repair spreads them when a missing one is live)%n", r.placementShort());
        out.printf("differing bytes:     %d%n", r.differingBytes());
        out.printf("repeated outcomes:   %d (identical; at_least_once may repeat one after a crash)%n", r.repeated());
        out.printf("contradictory:       %d (one ingest record, different key, status or replicas)%n", r.contradictory());
        out.printf("unconfirmed copies:  %d (copies of FAILED puts not marked FAILED on their node: reads return them)%n",
                r.unconfirmedCopies());
        out.printf("COMMITTED but FAILED copy: %d (a COMMITTED event's copy marked FAILED: not counted as a replica)%n",
                r.committedMarkedFailed());
        r.problems().forEach(p -> out.println("  " + p));
        out.printf("FAILED copies:       %d (copies of FAILED puts, marked FAILED: never read nor repaired)%n",
                r.failedCopies());
        r.failedCopyLines().forEach(p -> out.println("  " + p));
        out.println(r.ok(strict) ? "OK" : "PROBLEMS FOUND");
        out.flush();
        return r.ok(strict) ? 0 : 1;
    }

    /**
     * @param stored node → the events it holds (key → replication factor and content hash)
     */
    static Report check(List<PutOutcome> outcomes, Map<String, Map<String, RepairLines.KeyLine>> stored, int maxListed) {
        return check(outcomes, stored, Map.of(), maxListed);
    }

    /**
     * @param stored  node → the events it holds (key → replication factor and content hash)
     * @param domains node → where it runs, from the membership topic; an event with a holder not in it is not judged
     *                for spread
     */
    static Report check(List<PutOutcome> outcomes, Map<String, Map<String, RepairLines.KeyLine>> stored,
                        Map<String, FaultDomain> domains, int maxListed) {
        Map<String, PutOutcome> committed = new LinkedHashMap<>();
        Map<String, PutOutcome> failedPuts = new LinkedHashMap<>();
        Map<String, PutOutcome> firstOutcomeAt = new HashMap<>();
        int failed = 0;
        int repeated = 0;
        int contradictory = 0;
        List<String> problems = new ArrayList<>();
        for (PutOutcome o : outcomes) {
            if (o.ingest() != null) {
                String position = o.ingest().partition() + "-" + o.ingest().offset();
                PutOutcome first = firstOutcomeAt.putIfAbsent(position, o);
                if (first != null && first.sameAs(o)) {
                    repeated++;
                } else if (first != null) {
                    contradictory++;
                    add(problems, maxListed, "ingest " + position + " has contradictory outcomes: " + summary(first)
                            + " and " + summary(o));
                }
            }
            if (o.status() != PutOutcome.Status.COMMITTED) {
                failed++;
                if (o.key() != null) {
                    failedPuts.putIfAbsent(o.key(), o);
                }
                continue;
            }
            committed.putIfAbsent(o.key(), o);
        }
        int failedCopies = 0;
        int unconfirmed = 0;
        int committedMarkedFailed = 0;
        List<String> failedCopyLines = new ArrayList<>();
        for (PutOutcome o : failedPuts.values()) {
            if (committed.containsKey(o.key())) {
                continue; // contradictory outcomes, counted above
            }
            for (Map.Entry<String, Map<String, RepairLines.KeyLine>> node : stored.entrySet()) {
                RepairLines.KeyLine l = node.getValue().get(o.key());
                if (l == null) {
                    continue;
                }
                if (l.failed()) {
                    failedCopies++;
                    add(failedCopyLines, maxListed, o.key() + ": FAILED copy on " + node.getKey());
                } else {
                    unconfirmed++;
                    add(problems, maxListed, o.key() + ": UNCONFIRMED copy of a FAILED put on " + node.getKey()
                            + " (not marked FAILED there: reads and exports return it)");
                }
            }
        }
        int missing = 0;
        int belowLevel = 0;
        int under = 0;
        int owed = 0;
        int differing = 0;
        int placementShort = 0;
        for (PutOutcome o : committed.values()) {
            List<String> holders = new ArrayList<>();
            Long first = null;
            boolean same = true;
            int rf = 0;
            // in node order: the report reads the same whatever map the stores came in
            for (Map.Entry<String, Map<String, RepairLines.KeyLine>> node : new java.util.TreeMap<>(stored).entrySet()) {
                RepairLines.KeyLine l = node.getValue().get(o.key());
                if (l != null && l.failed()) {
                    committedMarkedFailed++;
                    add(problems, maxListed, o.key() + ": COMMITTED, but its copy on " + node.getKey()
                            + " is marked FAILED (not read, not counted as a replica)");
                } else if (l != null) {
                    holders.add(node.getKey());
                    rf = Math.max(rf, l.replicationFactor());
                    if (first == null) {
                        first = l.contentHash();
                    } else if (first != l.contentHash()) {
                        same = false;
                    }
                }
            }
            if (!same) {
                differing++;
                add(problems, maxListed, o.key() + ": replicas hold different bytes on " + holders);
            }
            if (holders.isEmpty()) {
                missing++;
                add(problems, maxListed, o.key() + ": MISSING (committed at " + o.commitLevel() + ", stored nowhere)");
            } else if (holders.size() < o.required()) {
                belowLevel++;
                add(problems, maxListed, o.key() + ": BELOW COMMIT LEVEL, " + holders.size() + " of " + o.required()
                        + " required (" + o.commitLevel() + "), on " + holders);
            } else if (holders.size() < rf && o.owed() > 0) {
                owed++;
                add(problems, maxListed, o.key() + ": OWED, " + holders.size() + " of " + rf + " replicas (a degraded"
                        + " write), on " + holders);
            } else if (holders.size() < rf) {
                under++;
                add(problems, maxListed, o.key() + ": UNDER-REPLICATED, " + holders.size() + " of " + rf + " replicas, on "
                        + holders);
            }
            String spread = spreadShortfall(o, holders, domains);
            if (spread != null) {
                placementShort++;
                add(problems, maxListed, o.key() + ": PLACEMENT SHORT, " + spread);
            }
        }
        return new Report(committed.size(), failed, missing, belowLevel, under, owed, differing, repeated, contradictory,
                failedCopies, unconfirmed, committedMarkedFailed, placementShort, problems, failedCopyLines);
    }

    /**
     * Why a committed event's holders span too few fault domains, or null: fewer zones or regions than its acked
     * replicas spanned when it committed, or than the minimum it was put with. Judged only when every holder is
     * located and the outcome has a placement report (outcomes of earlier versions have none).
     */
    private static String spreadShortfall(PutOutcome o, List<String> holders, Map<String, FaultDomain> domains) {
        PutOutcome.PlacementReport p = o.placement();
        if (p == null || holders.isEmpty() || !domains.keySet().containsAll(holders)) {
            return null;
        }
        List<FaultDomain> at = holders.stream().map(domains::get).toList();
        int zones = Math.max(p.minZones(), (int) p.ackedZones().stream().filter(z -> !z.equals("unknown")).count());
        int regions = Math.max(p.minRegions(), (int) p.ackedRegions().stream().filter(r -> !r.equals("unknown")).count());
        SpreadRequirement wanted = new SpreadRequirement(Math.max(1, zones), Math.max(1, regions));
        if (wanted.metBy(at)) {
            return null;
        }
        return "holders " + holders + " span zones " + SpreadRequirement.zoneNames(at) + ", regions "
                + SpreadRequirement.regionNames(at) + "; committed on zones " + p.ackedZones() + " (min zones "
                + p.minZones() + ", min regions " + p.minRegions() + ")";
    }

    /** The membership, or an empty table when it cannot be read. */
    private MembershipTable membersOrNone(Map<String, Object> config) {
        try {
            return ClusterMembers.read(config, kafka.topics(), READ_TIMEOUT);
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("warning: membership not readable (" + e.getMessage()
                    + "): placement short events are not judged");
            return MembershipTable.empty();
        }
    }

    private static String summary(PutOutcome o) {
        return o.status() + " " + (o.key() == null ? "(no key)" : o.key()) + " on " + o.replicas();
    }

    private static void add(List<String> problems, int max, String p) {
        if (problems.size() < max) {
            problems.add(p);
        }
    }

    private List<PutOutcome> readOutcomes(Map<String, Object> config) {
        List<PutOutcome> outcomes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readTopic(config, kafka.topics().results())) {
            try {
                outcomes.add(Wire.decode(r.value(), PutOutcome.class));
            } catch (MalformedRecordException e) {
                spec.commandLine().getErr().println("warning: skipping unreadable result at offset " + r.offset());
            }
        }
        return outcomes;
    }

    static List<ConsumerRecord<byte[], byte[]>> readTopic(Map<String, Object> config, String topic) {
        return TopicReader.readToEnd(config, topic, READ_TIMEOUT);
    }
}
