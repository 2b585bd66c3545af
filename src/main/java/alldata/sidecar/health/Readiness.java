package alldata.sidecar.health;

import alldata.core.Clock;
import alldata.sidecar.http.Health;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether a sidecar can take work ({@code GET /health/ready}): named checks in a fixed order, the first
 * that fails says why in one line.
 *
 * <p>Liveness is not decided here: a sidecar whose HTTP server answers is live ({@code /health/live}),
 * whatever its readiness. A failing disk makes a node unready, never dead, so that a Kubernetes-style
 * liveness probe does not restart it: a restart frees no disk space, and its reads keep working.
 */
public final class Readiness {
    /** One named check: empty while it passes, else one line saying what is wrong and what to do. */
    public record Check(String name, Supplier<Optional<String>> problem) {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(problem, "problem");
        }
    }

    private final List<Check> checks;
    private final Supplier<String> summary;

    /**
     * @param checks  checked in this order
     * @param summary the detail of a passing check, e.g. the node and its view of the cluster
     */
    public Readiness(List<Check> checks, Supplier<String> summary) {
        this.checks = List.copyOf(checks);
        this.summary = Objects.requireNonNull(summary, "summary");
    }

    /** Ready, or not ready with the first failing check's name and reason. */
    public Health check() {
        for (Check c : checks) {
            Optional<String> problem;
            try {
                problem = c.problem().get();
            } catch (RuntimeException e) {
                problem = Optional.of("its check failed: " + e);
            }
            if (problem.isPresent()) {
                return Health.failing("not ready: " + c.name() + ": " + problem.get());
            }
        }
        return Health.passing("ready: " + summary.get());
    }

    /** The names of the checks, in order. */
    public List<String> checkNames() {
        return checks.stream().map(Check::name).toList();
    }

    // ---------------------------------------------------------------------------------- the named checks

    /** Fails while the sidecar is starting or shutting down ({@code lifecycle} says which). */
    public static Check open(Supplier<Optional<String>> lifecycle) {
        return new Check("sidecar", lifecycle);
    }

    /** Fails while the replica store refuses writes (a full or failed disk). */
    public static Check replicaStore(Supplier<Optional<String>> writeFailure) {
        return new Check("replica store", () -> writeFailure.get().map(why -> why
                + "; this node's replicas are placed on other nodes meanwhile; free or fix the disk, then restart this sidecar"));
    }

    /** Fails unless the coordinator runs (see {@link CoordinatorState}). */
    public static Check coordinator(CoordinatorState state) {
        return new Check("coordinator", state::problem);
    }

    /** Fails while the replica writer's loop does not run. */
    public static Check replicaWriter(BooleanSupplier running) {
        return new Check("replica writer", () -> running.getAsBoolean() ? Optional.empty()
                : Optional.of("its loop is not polling the command topic (not started yet, Kafka unreachable, or it "
                + "stopped: see the log)"));
    }

    /** Fails until this node reads its own heartbeat back, i.e. until peers can see it too. */
    public static Check membership(BooleanSupplier agentRunning, BooleanSupplier seesSelf, String membershipTopic) {
        return new Check("membership", () -> {
            if (!agentRunning.getAsBoolean()) {
                return Optional.of("the membership loop is not reading " + membershipTopic
                        + " (not started yet, Kafka unreachable, or it stopped: see the log)");
            }
            if (!seesSelf.getAsBoolean()) {
                return Optional.of("this node is not live in its own membership view yet (its heartbeat to "
                        + membershipTopic + " has not been read back)");
            }
            return Optional.empty();
        });
    }

    /**
     * Follows the coordinator's Kafka Streams state. It is ready while RUNNING, and also while
     * REBALANCING once it has been RUNNING: every node joining or leaving rebalances every coordinator
     * for a moment, and marking the whole cluster unready at once for that would make load balancers
     * drop every node together. Before its first RUNNING (still joining the group) it is not ready.
     *
     * <p>It also counts stream threads that died ({@link #threadDied}): Kafka Streams replaces each one, so
     * the state stays RUNNING, but a thread that keeps dying (a bug on some record, a broken state store)
     * does no work while it restarts. With {@value #DEATHS_UNREADY} or more deaths within
     * {@link #DEATH_WINDOW} it is not ready, saying how many and the last error; once the deaths are older
     * than the window it is ready again by itself.
     */
    public static final class CoordinatorState implements KafkaStreams.StateListener {
        /** How long a thread death counts against readiness. */
        static final Duration DEATH_WINDOW = Duration.ofMinutes(5);
        /** Deaths within the window that make the coordinator unready: one is an incident, this many a pattern. */
        static final int DEATHS_UNREADY = 3;

        private final Clock clockMs;
        private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
        private volatile boolean hasRun;
        /** When recent threads died, oldest first; guarded by itself. */
        private final Deque<Long> deaths = new ArrayDeque<>();
        private volatile String lastDeath;

        public CoordinatorState() {
            this(Clock.SYSTEM);
        }

        /** @param clockMs the wall clock deaths are dated and aged with */
        CoordinatorState(Clock clockMs) {
            this.clockMs = clockMs;
        }

        @Override
        public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
            state = newState;
            if (newState == KafkaStreams.State.RUNNING) {
                hasRun = true;
            }
        }

        /** A stream thread died of {@code error} (and is being replaced). */
        public void threadDied(Throwable error) {
            lastDeath = String.valueOf(error);
            synchronized (deaths) {
                deaths.addLast(clockMs.nowMs());
            }
        }

        /** Thread deaths within the last {@link #DEATH_WINDOW}. */
        int recentDeaths() {
            long since = clockMs.nowMs() - DEATH_WINDOW.toMillis();
            synchronized (deaths) {
                while (!deaths.isEmpty() && deaths.peekFirst() <= since) {
                    deaths.removeFirst();
                }
                return deaths.size();
            }
        }

        public KafkaStreams.State state() {
            return state;
        }

        Optional<String> problem() {
            KafkaStreams.State s = state;
            Optional<String> stateProblem = switch (s) {
                case RUNNING -> Optional.empty();
                case REBALANCING -> hasRun ? Optional.empty()
                        : Optional.of("Kafka Streams is REBALANCING: joining the coordinator group for the first time");
                case CREATED -> Optional.of("Kafka Streams is CREATED: not started yet");
                case PENDING_ERROR, ERROR -> Optional.of("Kafka Streams is " + s
                        + ": every coordinator thread died; see the log, then restart this sidecar");
                case PENDING_SHUTDOWN, NOT_RUNNING -> Optional.of("Kafka Streams is " + s + ": stopping");
            };
            if (stateProblem.isPresent()) {
                return stateProblem;
            }
            int recent = recentDeaths();
            if (recent >= DEATHS_UNREADY) {
                return Optional.of(recent + " coordinator threads died in the last " + DEATH_WINDOW.toMinutes()
                        + " minutes, each replaced (last: " + lastDeath + "); see the log (ready again by itself once"
                        + " fewer than " + DEATHS_UNREADY + " died within " + DEATH_WINDOW.toMinutes() + " minutes)");
            }
            return Optional.empty();
        }
    }
}
