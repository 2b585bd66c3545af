package alldata.client;

import alldata.protocol.DigestReport;
import alldata.protocol.RepairLines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What {@code alldata repair check} compares, as pure functions. For every pair of nodes (A, B) and every hour
 * interval, A's digest of the events it holds whose plan names B must equal B's digest of the events it holds
 * whose plan names A: both are the events the pair shares. Where they differ, the two key lists show which
 * events make the difference.
 */
public final class DigestComparison {
    private static final DigestReport.Entry NONE = new DigestReport.Entry(0, "0000000000000000");

    private DigestComparison() {
    }

    /**
     * An interval where a pair of nodes disagrees.
     *
     * @param aToB A's digest of the events whose plan names B
     * @param bToA B's digest of the events whose plan names A
     */
    public record Mismatch(String interval, String a, String b, DigestReport.Entry aToB, DigestReport.Entry bToA) {
    }

    /**
     * One event two nodes disagree on.
     *
     * @param key         the event
     * @param on          the node that lists it
     * @param notOn       the node that does not (it lacks the event, or its plan does not name {@code on})
     * @param bytesDiffer both list it, with different bytes (a conflict: {@code notOn} is the second node)
     */
    public record KeyDifference(String key, String on, String notOn, boolean bytesDiffer) {
    }

    /** Every interval and pair of nodes (in node order) whose digests differ. */
    public static List<Mismatch> mismatches(Map<String, DigestReport> reports) {
        List<String> nodes = new ArrayList<>(new TreeSet<>(reports.keySet()));
        TreeSet<String> intervals = new TreeSet<>();
        reports.values().forEach(r -> intervals.addAll(r.intervals().keySet()));
        List<Mismatch> out = new ArrayList<>();
        for (String interval : intervals) {
            for (int i = 0; i < nodes.size(); i++) {
                for (int j = i + 1; j < nodes.size(); j++) {
                    String a = nodes.get(i);
                    String b = nodes.get(j);
                    DigestReport.Entry ab = entry(reports.get(a), interval, b);
                    DigestReport.Entry ba = entry(reports.get(b), interval, a);
                    if (!Objects.equals(ab, ba)) {
                        out.add(new Mismatch(interval, a, b, ab, ba));
                    }
                }
            }
        }
        return out;
    }

    /** How many intervals the reports cover between them. */
    public static int intervals(Map<String, DigestReport> reports) {
        TreeSet<String> intervals = new TreeSet<>();
        reports.values().forEach(r -> intervals.addAll(r.intervals().keySet()));
        return intervals.size();
    }

    private static DigestReport.Entry entry(DigestReport r, String interval, String peer) {
        DigestReport.Entry e = r.intervals().getOrDefault(interval, Map.of()).get(peer);
        return e == null ? NONE : e;
    }

    /**
     * The events that make A's and B's lists differ.
     *
     * @param aKeys what A holds whose plan names B
     * @param bKeys what B holds whose plan names A
     */
    public static List<KeyDifference> differences(String a, List<RepairLines.KeyLine> aKeys, String b,
                                                  List<RepairLines.KeyLine> bKeys) {
        Map<String, Long> onA = hashes(aKeys);
        Map<String, Long> onB = hashes(bKeys);
        List<KeyDifference> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : onA.entrySet()) {
            Long other = onB.get(e.getKey());
            if (other == null) {
                out.add(new KeyDifference(e.getKey(), a, b, false));
            } else if (!other.equals(e.getValue())) {
                out.add(new KeyDifference(e.getKey(), a, b, true));
            }
        }
        for (String key : onB.keySet()) {
            if (!onA.containsKey(key)) {
                out.add(new KeyDifference(key, b, a, false));
            }
        }
        out.sort((x, y) -> x.key().compareTo(y.key()));
        return out;
    }

    private static Map<String, Long> hashes(List<RepairLines.KeyLine> lines) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (RepairLines.KeyLine l : lines) {
            m.put(l.key(), l.contentHash());
        }
        return m;
    }
}
