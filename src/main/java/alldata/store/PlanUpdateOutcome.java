package alldata.store;

/** What {@link ReplicaPlans#updatePlans} did with one plan update. */
public enum PlanUpdateOutcome {
    /** The node holds the event and its plan had a smaller epoch: the new plan is stored. */
    APPLIED,
    /** The stored plan has the same or a larger epoch: kept. */
    STALE,
    /** The node does not hold the event: nothing to update. */
    ABSENT
}
