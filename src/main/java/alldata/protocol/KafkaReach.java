package alldata.protocol;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Fails fast, saying what to fix, when Kafka cannot be reached or refuses a program's credentials, instead of
 * letting its clients retry for minutes with nothing but warnings to show. Sidecars check this at start, the CLI
 * tools before their first request.
 */
public final class KafkaReach {
    /** How long a sidecar or a CLI tool waits for Kafka to answer unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Whose connection it is and what a person should check, each ending a message.
     *
     * @param whose       whose credentials Kafka refuses, e.g. "this sidecar's"
     * @param address     where the bootstrap servers are set, e.g. "check kafka.bootstrap.servers"
     * @param credentials where the security settings are set, e.g. "check kafka.sasl.mechanism and ..."
     */
    public record Hints(String whose, String address, String credentials) {
        public Hints {
            Objects.requireNonNull(whose, "whose");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(credentials, "credentials");
        }
    }

    private KafkaReach() {
    }

    /**
     * {@code config} with every wait of a client made from it bounded by {@code timeout}: metadata, offsets and
     * a producer's send when the cluster is unknown. Settings the user gave win.
     */
    public static Map<String, Object> withTimeouts(Map<String, ?> config, Duration timeout) {
        Map<String, Object> m = new HashMap<>(config);
        int ms = millis(timeout);
        m.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        m.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
        return m;
    }

    /**
     * Checks with a short-lived admin client made from {@code config} that Kafka answers within {@code timeout}.
     *
     * @throws UnreachableException  when it does not, or its address does not resolve
     * @throws IllegalStateException when it refuses the credentials
     */
    public static void check(Map<String, ?> config, Duration timeout, Hints hints) throws InterruptedException {
        String bootstrap = String.valueOf(config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        Map<String, Object> settings = new HashMap<>(config);
        settings.keySet().retainAll(AdminClientConfig.configNames()); // no warnings about producer or consumer keys
        // the describeCluster() below has its own bound; an admin client's API timeout may not be below its requests'
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(timeout));
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(timeout));
        Admin admin;
        try {
            admin = Admin.create(settings);
        } catch (KafkaException e) {
            // no time was spent: the client refuses to start, e.g. when no bootstrap server's name resolves
            String why = e.getCause() instanceof ConfigException ? "no bootstrap server's host name resolves"
                    : String.valueOf((e.getCause() != null ? e.getCause() : e).getMessage());
            throw new UnreachableException("cannot reach Kafka at " + bootstrap + ": " + why + "; " + hints.address(),
                    bootstrap, e);
        }
        try {
            check(admin, bootstrap, timeout, hints);
        } finally {
            admin.close(Duration.ZERO); // nothing of its own to finish; a call still retrying is abandoned
        }
    }

    /**
     * Checks that Kafka answers {@code admin} within {@code timeout}.
     *
     * @param bootstrap the bootstrap servers, as the user gave them, for the message
     * @return the number of brokers Kafka reports (registered and not fenced)
     * @throws UnreachableException  when it does not
     * @throws IllegalStateException when it refuses the credentials
     */
    public static int check(Admin admin, String bootstrap, Duration timeout, Hints hints) throws InterruptedException {
        try {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis(timeout))).nodes()
                    .get(timeout.toMillis() + 5_000L, TimeUnit.MILLISECONDS).size();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof AuthenticationException) {
                throw new IllegalStateException("Kafka at " + bootstrap + " refused " + hints.whose() + " credentials ("
                        + cause.getMessage() + "): " + hints.credentials(), cause);
            }
            throw unreachable(bootstrap, timeout, cause, hints);
        }
    }

    private static UnreachableException unreachable(String bootstrap, Duration timeout, Throwable cause, Hints hints) {
        // a timeout is all Kafka's admin client says when no broker answers: its message names internals
        String why = cause instanceof TimeoutException || cause instanceof java.util.concurrent.TimeoutException
                ? "" : " (" + cause.getMessage() + ")";
        return new UnreachableException("cannot reach Kafka at " + bootstrap + " within " + seconds(timeout) + why + "; "
                + hints.address(), bootstrap, cause);
    }

    /** "15 s", or "500 ms" below a second. */
    public static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }
}
