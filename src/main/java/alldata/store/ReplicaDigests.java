package alldata.store;

import alldata.core.IntervalDigest;
import java.util.Map;

/**
 * The interval digests of the events held: kept while writing (per hour interval, per node named in the plans, and
 * {@code "*"} for all of them), and recounted from the data, so that a check can compare the two and a node can
 * compare its digests with its peers'.
 */
public interface ReplicaDigests {
    /**
     * The kept digests of the intervals {@code from <= interval < to}: per interval, per node named in the plans of
     * its events (and {@code "*"} for all of them), the digest of the events held whose plan names that node. They
     * count what this store wrote; data lost behind its back (a deleted SST file, a key deleted by hand) is still in
     * them, so a check compares them with a recount from the data.
     */
    Map<String, Map<String, IntervalDigest>> keptDigests(String from, String to);

    /**
     * The digests of the intervals {@code from <= interval < to} counted from the data itself (every event held, and
     * the plan beside it), in the layout of {@link #keptDigests}: what a check must compare, since only a recount
     * sees an event that is gone from the store without the store having deleted it.
     */
    Map<String, Map<String, IntervalDigest>> countedDigests(String from, String to);

    /** Whether the digests kept for hour {@code interval} differ from a recount of its data; changes nothing. */
    boolean keptDigestsDrifted(String interval);

    /**
     * Makes the kept digests of {@code interval} follow the data again when they do not (see {@link #keptDigests}):
     * recounts the interval and replaces its kept rows, holding writes off meanwhile so that none is missed.
     *
     * @return whether they differed
     */
    boolean reconcileKeptDigests(String interval);
}
