package alldata.core;

import java.util.List;
import java.util.Objects;

/** What {@link RepairPlanner#decide} says to do with one event. */
public sealed interface RepairDecision {

    /** The event has its replicas and its plan names exactly its holders: nothing to do. */
    record Healthy() implements RepairDecision {
    }

    /** Another holder comes first in the plan: it repairs the event (so that exactly one node does). */
    record NotMine(String responsible) implements RepairDecision {
        public NotMine {
            Objects.requireNonNull(responsible, "responsible");
        }
    }

    /**
     * Copy the event to {@code targets}, then give every holder the plan {@code newPlan}. With no targets the
     * event has its replicas and only its plan changes (it named a lost node, or fewer nodes than hold it).
     *
     * @param targets nodes to copy the event to, in placement order
     * @param newPlan the nodes that hold the event once the copies are made
     */
    record Place(List<String> targets, List<String> newPlan) implements RepairDecision {
        public Place {
            targets = List.copyOf(targets);
            newPlan = List.copyOf(newPlan);
        }
    }

    /**
     * Fewer nodes take replicas than the event needs: copy it to the {@code targets} there are (maybe none) and
     * say why the rest cannot be placed. The next pass tries again.
     *
     * @param targets nodes to copy the event to
     * @param newPlan the holders once those copies are made
     * @param missing replicas still missing after them
     * @param reason  for an operator
     */
    record Short(List<String> targets, List<String> newPlan, int missing, String reason) implements RepairDecision {
        public Short {
            targets = List.copyOf(targets);
            newPlan = List.copyOf(newPlan);
            Objects.requireNonNull(reason, "reason");
        }
    }
}
