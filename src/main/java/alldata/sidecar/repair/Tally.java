package alldata.sidecar.repair;

/** What repair did with a number of events: counts that add up over batches, intervals and passes. */
final class Tally {
    /** Candidates this node holds and looked at. */
    long looked;
    /** Replicas written to other nodes (confirmed). */
    long copies;
    /** Events copied to every target they needed. */
    long repaired;
    /** Events whose plan was rewritten without copying. */
    long replanned;
    /** Events that cannot reach their replication factor with the nodes there are. */
    long shortOfNodes;
    /** Copies refused: the target holds different bytes. */
    long conflicts;
    /** Copies not confirmed (error, time-out). */
    long failed;
    /** Events left below their replication factor by this node (short, failed or conflicting). */
    long unresolved;
    /** Events another holder repairs. */
    long notMine;
    /** Events that needed nothing after all. */
    long healthy;
    /** Events deleted from this node between the scan and the copy: nothing was sent. */
    long gone;

    void add(Tally t) {
        looked += t.looked;
        copies += t.copies;
        repaired += t.repaired;
        replanned += t.replanned;
        shortOfNodes += t.shortOfNodes;
        conflicts += t.conflicts;
        failed += t.failed;
        unresolved += t.unresolved;
        notMine += t.notMine;
        healthy += t.healthy;
        gone += t.gone;
    }

    /** Whether nothing had to be or could not be done: every event looked at was already where it belongs. */
    boolean quiet() {
        return copies == 0 && replanned == 0 && shortOfNodes == 0 && conflicts == 0 && failed == 0 && unresolved == 0;
    }

    @Override
    public String toString() {
        return looked + " events looked at, " + repaired + " repaired (" + copies + " replicas copied), " + replanned
                + " plans rewritten, " + healthy + " already fine, " + notMine + " left to another holder, " + shortOfNodes
                + " short of nodes, " + conflicts + " conflicts, " + failed + " copies failed";
    }
}
