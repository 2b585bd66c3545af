package alldata.client;

import alldata.protocol.DigestReport;
import alldata.protocol.RepairLines;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code alldata repair check}: compares every pair of nodes interval by interval ({@link DigestComparison}),
 * lists the keys only of the intervals that differ, asks a node that holds each such event to repair it, and
 * compares those intervals again.
 *
 * <p>Digests are counted from the data when asked (not taken from what the nodes kept while writing): only a
 * recount sees an event that is gone from a store without the store having deleted it (a key deleted by hand, a
 * lost file). Each node also reports where its kept digests disagree with the recount ("drift"), which tells whose
 * store lost data behind its back.
 */
public final class RepairCheck {
    /** What a check found and did. */
    public record Result(int intervals, int pairs, int mismatches, int differingKeys, int answered, int conflicts,
                         int stillDiffering, List<String> unreachable) {
        /** Every pair agrees now (or did from the start), and every node could be read. */
        public boolean consistent() {
            return stillDiffering == 0 && conflicts == 0 && unreachable.isEmpty();
        }
    }

    private static final int RECHECKS = 5;
    private static final long RECHECK_PAUSE_MS = 2000;

    private final RepairClient client;
    private final PrintWriter out;

    public RepairCheck(RepairClient client, PrintWriter out) {
        this.client = client;
        this.out = out;
    }

    /**
     * Checks [from, to) over the nodes at {@code addresses} (node id → HTTP address).
     *
     * @param repair whether to repair what differs (else only list it)
     */
    public Result run(Map<String, String> addresses, String from, String to, boolean repair)
            throws InterruptedException {
        Map<String, DigestReport> reports = new TreeMap<>();
        List<String> unreachable = new ArrayList<>();
        for (Map.Entry<String, String> n : addresses.entrySet()) {
            try {
                // the check reports the drift, so the node may forget it; the re-checks below only read
                reports.put(n.getKey(), client.resyncDigests(n.getValue(), from, to));
            } catch (IOException e) {
                unreachable.add(n.getKey());
                out.println("warning: " + n.getKey() + " at " + n.getValue() + " not readable (" + e.getMessage()
                        + "): its pairs are not compared");
            }
        }
        reports.values().forEach(r -> r.drift().forEach(i -> out.println("drift: " + r.node() + "'s digests of " + i
                + " kept while writing differ from a recount of its data: events were lost or changed behind its"
                + " store's back")));
        int pairs = reports.size() * (reports.size() - 1) / 2;
        int intervals = DigestComparison.intervals(reports);
        List<DigestComparison.Mismatch> mismatches = DigestComparison.mismatches(reports);
        out.printf("compared %s x %s: %d %s%n", Plural.count(intervals, "interval"), Plural.count(pairs, "node pair"),
                mismatches.size(), mismatches.size() == 1 ? "differs" : "differ");

        Map<String, String> toRepair = new LinkedHashMap<>(); // key -> the node asked to repair it
        Set<String> conflicting = new LinkedHashSet<>();
        int differing = 0;
        for (DigestComparison.Mismatch m : mismatches) {
            String upper = alldata.core.IntervalDigest.upperBound(m.interval());
            List<DigestComparison.KeyDifference> diffs;
            try {
                List<RepairLines.KeyLine> aKeys = client.keys(addresses.get(m.a()), m.interval(), upper, m.b());
                List<RepairLines.KeyLine> bKeys = client.keys(addresses.get(m.b()), m.interval(), upper, m.a());
                diffs = DigestComparison.differences(m.a(), aKeys, m.b(), bKeys);
            } catch (IOException e) {
                out.printf("interval %s, %s <-> %s: keys not readable (%s)%n", m.interval(), m.a(), m.b(), e.getMessage());
                continue;
            }
            out.printf("interval %s, %s <-> %s: %s->%s %s, %s->%s %s; %d differ%n", m.interval(), m.a(), m.b(), m.a(), m.b(),
                    Plural.count(m.aToB().count(), "event"), m.b(), m.a(), Plural.count(m.bToA().count(), "event"),
                    diffs.size());
            for (DigestComparison.KeyDifference d : diffs) {
                differing++;
                if (d.bytesDiffer()) {
                    conflicting.add(d.key());
                    out.printf("  %s: CONFLICT, %s and %s hold different bytes (never overwritten: resolve by hand)%n",
                            d.key(), d.on(), d.notOn());
                } else {
                    out.printf("  %s: on %s, not on %s (or %s's plan does not name %s)%n", d.key(), d.on(), d.notOn(),
                            d.notOn(), d.on());
                    toRepair.putIfAbsent(d.key(), d.on());
                }
            }
        }
        toRepair.keySet().removeAll(conflicting);
        int answered = 0;
        if (repair && !toRepair.isEmpty()) {
            out.printf("repairing %s:%n", Plural.count(toRepair.size(), "event"));
            Map<String, List<String>> byNode = new TreeMap<>();
            toRepair.forEach((key, node) -> byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(key));
            for (Map.Entry<String, List<String>> e : byNode.entrySet()) {
                try {
                    for (String line : client.repair(addresses.get(e.getKey()), e.getValue())) {
                        out.println("  " + line + " (asked " + e.getKey() + ")");
                        answered++;
                    }
                } catch (IOException | IllegalStateException ex) {
                    out.printf("  %s not repaired by %s: %s%n", Plural.count(e.getValue().size(), "event"), e.getKey(), ex.getMessage());
                }
            }
        } else if (!toRepair.isEmpty()) {
            out.printf("%s %s; run without --dry-run to repair %s%n", Plural.count(toRepair.size(), "event"),
                    toRepair.size() == 1 ? "differs" : "differ", toRepair.size() == 1 ? "it" : "them");
        }

        int still = mismatches.size();
        if (repair && !mismatches.isEmpty()) {
            // plan updates reach the other holders through their command topics: give them a moment
            for (int attempt = 0; attempt < RECHECKS && still > 0; attempt++) {
                if (attempt > 0) {
                    Thread.sleep(RECHECK_PAUSE_MS);
                }
                still = DigestComparison.mismatches(digests(addresses, reports, from, to)).size();
            }
            out.println(still == 0 ? "checked again: every pair agrees in every interval"
                    : "checked again: " + still + " interval(s) still differ (a repair may still be settling; run the check again)");
        }
        out.flush();
        return new Result(intervals, pairs, mismatches.size(), differing, answered, conflicting.size(), still, unreachable);
    }

    private Map<String, DigestReport> digests(Map<String, String> addresses, Map<String, DigestReport> before,
                                              String from, String to) throws InterruptedException {
        Map<String, DigestReport> again = new TreeMap<>();
        for (String node : before.keySet()) {
            try {
                again.put(node, client.digests(addresses.get(node), from, to));
            } catch (IOException e) {
                again.put(node, before.get(node));
            }
        }
        return again;
    }
}
