package alldata.core;

import java.util.List;
import java.util.Objects;

/**
 * What the host of a {@link PendingPut} must do after a transition. Hosts carry actions out through a
 * {@link Handler}: adding an action type adds a handler method, so no host can silently ignore it.
 */
public sealed interface PutAction
        permits PutAction.StartReplica, PutAction.ResendReplica, PutAction.ReplicaLost, PutAction.Committed,
        PutAction.Failed {

    /** Carries this action out on {@code handler}. */
    void applyTo(Handler handler);

    /** Carries out every kind of action; the library coordinator and the sidecar's coordinator each have one. */
    interface Handler {
        void startReplica(StartReplica action);

        void resendReplica(ResendReplica action);

        void replicaLost(ReplicaLost action);

        void committed(Committed action);

        void failed(Failed action);
    }

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

        @Override
        public void applyTo(Handler handler) {
            handler.startReplica(this);
        }
    }

    /**
     * Ask {@code node} again for a replica that was started before and never answered (a put resumed by a
     * new owner): writes are idempotent, so a node that holds the event answers OK at once. Unlike a
     * start, a resend goes to the node even when it looks down: it may hold the replica already.
     */
    record ResendReplica(String node, int attempt) implements PutAction {
        public ResendReplica {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public void applyTo(Handler handler) {
            handler.resendReplica(this);
        }
    }

    /** A replica was given up on (error, conflict or timeout); a replacement, if any, is a separate action. */
    record ReplicaLost(String node, ReplicaFailure failure, String message) implements PutAction {
        public ReplicaLost {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(failure, "failure");
        }

        @Override
        public void applyTo(Handler handler) {
            handler.replicaLost(this);
        }
    }

    /** The commit level was met; reported once per put. */
    record Committed(List<String> acknowledgedBy) implements PutAction {
        public Committed {
            acknowledgedBy = List.copyOf(acknowledgedBy);
        }

        @Override
        public void applyTo(Handler handler) {
            handler.committed(this);
        }
    }

    /**
     * The commit level can no longer be met; reported once per put.
     *
     * @param reason why, with where the event was stored when this was decided
     * @param cause  why, without what is stored: replicas may still answer after the decision, so a report published
     *               later appends what is stored then ({@link PendingPut#failureReport})
     */
    record Failed(String reason, String cause) implements PutAction {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(cause, "cause");
        }

        /** A failure whose text holds nothing that can change later (nothing was stored). */
        public Failed(String reason) {
            this(reason, reason);
        }

        @Override
        public void applyTo(Handler handler) {
            handler.failed(this);
        }
    }
}
