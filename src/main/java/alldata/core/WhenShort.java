package alldata.core;

/**
 * What a put does when fewer nodes are live than its replication factor.
 */
public enum WhenShort {
    /** Fail at once and write nothing (the seed's rule; the library coordinator always uses it). */
    FAIL,
    /**
     * Place the replicas that can be placed and commit when the commit level is reached; the missing
     * replicas are owed ({@link PendingPut#owed()}) and repair completes them when nodes return. Fails at
     * once only when the commit level itself is out of reach.
     */
    DEGRADE
}
