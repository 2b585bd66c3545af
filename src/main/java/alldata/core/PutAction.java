package alldata.core;

import java.util.List;
import java.util.Objects;

/** What the host of a {@link PendingPut} must do after a transition. */
public sealed interface PutAction
        permits PutAction.StartReplica, PutAction.ReplicaLost, PutAction.Committed, PutAction.Failed {

    /**
     * Store the event on {@code node}: the local store for the coordinator's own node, a {@code _put}
     * otherwise.
     *
     * @param node      where to store
     * @param attempt   1 for the initial plan, then one more for each re-placement
     * @param replacing the node this replica replaces, or {@code null} for a planned replica
     */
    record StartReplica(String node, int attempt, String replacing) implements PutAction {
        public StartReplica {
            Objects.requireNonNull(node, "node");
        }

        /** True when this replica re-places a failed one ("get it done"). */
        public boolean isReplacement() {
            return replacing != null;
        }
    }

    /** A replica was given up on (error, conflict or timeout); a replacement, if any, is a separate action. */
    record ReplicaLost(String node, ReplicaFailure failure, String message) implements PutAction {
        public ReplicaLost {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** The commit level was met; reported once per put. */
    record Committed(List<String> acknowledgedBy) implements PutAction {
        public Committed {
            acknowledgedBy = List.copyOf(acknowledgedBy);
        }
    }

    /** The commit level can no longer be met; reported once per put. */
    record Failed(String reason) implements PutAction {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
