package alldata.sidecar.repair;

import alldata.core.IntervalDigest;
import alldata.core.RepairDecision;
import alldata.core.RepairPlanner;
import alldata.core.RepairView;
import alldata.core.ReplicationStrategy;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.Wire;
import alldata.store.StoredPlan;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One pass of repair over the events a node holds, hour interval by hour interval (keys are time-ordered, so
 * an interval is a key range). First it <em>counts</em>: a local scan of the plans finds the events that need a
 * look ({@link RepairPlanner#needsRepair}) per interval, and estimates how many of them this node will have to
 * copy, so that status can say how much is left before any peer is asked. Then it <em>repairs</em> the intervals
 * that have candidates, in order, a batch at a time.
 *
 * <p>After each interval the pass's position is written to the store ({@link Progress}), so that a restarted
 * node resumes the pass at the interval it was in instead of starting over. Only the repair thread touches a pass.
 */
final class RepairPass {
    /** Where a pass is. */
    enum Phase { COUNTING, REPAIRING, DONE }

    /** The name of the pass's record in the store. */
    static final String STATE = "repair-progress";

    /**
     * A pass's position and totals as written to the store after each interval.
     *
     * @param reason      why the pass runs
     * @param startedAtMs when it started
     * @param resumeFrom  the first key of the next interval to repair ({@code null}: from the beginning)
     * @param active      false once the pass ended
     * @param looked      events looked at so far (and the other totals)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Progress(String reason, long startedAtMs, String resumeFrom, boolean active, long looked, long copies,
                    long repaired, long replanned, long shortOfNodes, long conflicts, long failed, long unresolved) {
        byte[] encode() {
            return Wire.encode(this);
        }

        static Progress decode(byte[] b) {
            return Wire.decode(b, Progress.class);
        }
    }

    /** Candidates and the estimate of events to copy, for one interval. */
    static final class Count {
        long candidates;
        long toCopy;
    }

    final String reason;
    final long startedAtMs;
    private Phase phase = Phase.COUNTING;
    /** COUNTING: the next key to count from. */
    private String countFrom;
    private final TreeMap<String, Count> intervals = new TreeMap<>();
    /** REPAIRING: the interval being repaired and the next key in it. */
    private String interval;
    private String cursor;
    /** The first key after the last interval closed (where a restart resumes when no interval is open). */
    private String resumeAfter;
    private Tally intervalTally = new Tally();
    private long intervalStartedMs;
    final Tally totals = new Tally();
    private long toRepair;
    private long processed;
    /** Events a resumed pass had looked at before the restart. */
    private long before;
    private long estimateLeft;
    /** Events counted placement short (their holders span too few zones or regions), and of those, the ones spread. */
    private long placementShort;
    private long spreadRestored;

    RepairPass(String reason, long startedAtMs, String resumeFrom) {
        this.reason = reason;
        this.startedAtMs = startedAtMs;
        this.countFrom = resumeFrom;
    }

    /** A pass resumed from its stored position, its totals carried over. */
    static RepairPass resume(Progress p) {
        RepairPass pass = new RepairPass(p.reason(), p.startedAtMs(), p.resumeFrom());
        pass.resumeAfter = p.resumeFrom();
        Tally t = pass.totals;
        t.looked = p.looked();
        t.copies = p.copies();
        t.repaired = p.repaired();
        t.replanned = p.replanned();
        t.shortOfNodes = p.shortOfNodes();
        t.conflicts = p.conflicts();
        t.failed = p.failed();
        t.unresolved = p.unresolved();
        pass.before = p.looked();
        return pass;
    }

    /** The stored form of this pass's position. */
    Progress progress() {
        String resumeFrom = phase == Phase.DONE ? null : interval != null ? interval
                : resumeAfter != null ? resumeAfter : countFrom;
        return new Progress(reason, startedAtMs, resumeFrom, phase != Phase.DONE, totals.looked, totals.copies,
                totals.repaired, totals.replanned, totals.shortOfNodes, totals.conflicts, totals.failed, totals.unresolved);
    }

    /** Reads a stored position; an unreadable one is ignored (the next pass starts from the beginning). */
    static Progress readProgress(byte[] b) {
        try {
            return Progress.decode(b);
        } catch (MalformedRecordException e) {
            return null;
        }
    }

    Phase phase() {
        return phase;
    }

    /**
     * Counts the candidates of one chunk of plans (in key order) with the current view.
     *
     * @param chunk the plans from {@link #countFrom()} on; fewer than asked means the end is reached
     * @param full  whether the chunk was as long as asked (more may follow)
     */
    void count(List<StoredPlan> chunk, boolean full, RepairView view, ReplicationStrategy strategy) {
        for (StoredPlan p : chunk) {
            var m = p.meta();
            boolean count = RepairPlanner.needsRepair(m.replicas(), m.replicationFactor(), m.planSinceMs(), view);
            boolean spread = RepairPlanner.placementShort(m.replicas(), m.replicationFactor(), m.planSinceMs(), view, strategy) != null;
            if (!count && !spread) {
                continue;
            }
            if (spread) {
                placementShort++;
            }
            Count c = intervals.computeIfAbsent(IntervalDigest.intervalOf(p.key()), k -> new Count());
            c.candidates++;
            toRepair++;
            // the under-replicated estimate counts missing replicas only, not spread
            if (count && likelyCopies(p, view, strategy)) {
                c.toCopy++;
                estimateLeft++;
            }
        }
        if (full && !chunk.isEmpty()) {
            countFrom = chunk.get(chunk.size() - 1).key() + "\0";
        } else {
            phase = Phase.REPAIRING;
        }
    }

    /**
     * Whether this node would copy the event if every node that heartbeats and whose plan names it holds it: the
     * estimate of what is under-replicated here before anyone is asked.
     */
    static boolean likelyCopies(StoredPlan p, RepairView view, ReplicationStrategy strategy) {
        var m = p.meta();
        Set<String> presumed = new HashSet<>();
        presumed.add(view.self());
        for (String n : m.replicas()) {
            if (view.status(n).askable() && view.mayHold(n, m.planSinceMs())) {
                presumed.add(n);
            }
        }
        RepairDecision d = RepairPlanner.decide(p.key(), m.replicas(), m.replicationFactor(), m.planSinceMs(),
                RepairPlanner.Holdings.of(presumed), view, strategy, false);
        return d instanceof RepairDecision.Short || (d instanceof RepairDecision.Place pl && !pl.targets().isEmpty());
    }

    String countFrom() {
        return countFrom;
    }

    /** The interval to repair next (entering it if none is open), or null when the pass is over. */
    String interval(long nowMs) {
        if (interval == null) {
            Map.Entry<String, Count> next = intervals.firstEntry();
            if (next == null) {
                phase = Phase.DONE;
                return null;
            }
            interval = next.getKey();
            cursor = interval;
            intervalStartedMs = nowMs;
        }
        return interval;
    }

    /** The next key to repair from, in the current interval. */
    String cursor() {
        return cursor;
    }

    /** Adds what a batch of {@code candidates} of the current interval did, ending at {@code lastKey}. */
    void repaired(Tally batch, int candidates, String lastKey) {
        processed += candidates;
        intervalTally.add(batch);
        totals.add(batch);
        cursor = lastKey + "\0";
    }

    /**
     * Closes the current interval.
     *
     * @return what it did, and how long it took
     */
    Tally closeInterval() {
        Count c = intervals.remove(interval);
        estimateLeft -= c == null ? 0 : c.toCopy;
        Tally done = intervalTally;
        intervalTally = new Tally();
        resumeAfter = IntervalDigest.upperBound(interval);
        interval = null;
        cursor = null;
        if (intervals.isEmpty()) {
            phase = Phase.DONE;
        }
        return done;
    }

    long intervalStartedMs() {
        return intervalStartedMs;
    }

    String currentInterval() {
        return interval;
    }

    int intervalsLeft() {
        return intervals.size();
    }

    /** Events the pass looks at: the candidates counted (by a resumed pass: those left, plus those it had done). */
    long toRepair() {
        return toRepair + before;
    }

    /** Of those, the ones looked at so far. */
    long done() {
        return processed + before;
    }

    /** One more placement-short event got its copy in a missing fault domain. */
    void spreadRestored(long n) {
        spreadRestored += n;
    }

    /** Events counted placement short that this pass has not spread yet. */
    long placementShort() {
        return Math.max(0, placementShort - spreadRestored);
    }

    /** Events below their replication factor this node is expected to repair, not yet repaired. */
    long underReplicated() {
        return Math.max(0, estimateLeft) + totals.unresolved;
    }
}
