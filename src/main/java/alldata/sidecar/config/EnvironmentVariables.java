package alldata.sidecar.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code ALLDATA_*} environment variables a sidecar accepts: one per setting ({@link Setting#envName()}),
 * every {@code ALLDATA_KAFKA_<NAME>} (a {@code kafka.*} key), and the few that are read by something other than
 * the sidecar's config ({@link #NOT_SETTINGS}). Any other {@code ALLDATA_*} variable is refused like an unknown key
 * of the file, naming the closest known variable: {@code ALLDATA_REPLICATON_FACTOR=5} must not be silently ignored.
 */
public final class EnvironmentVariables {
    /** Prefix of every AllData variable. */
    public static final String PREFIX = "ALLDATA_";
    /** Prefix of the variables that set {@code kafka.*} keys. */
    public static final String KAFKA_PREFIX = PREFIX + "KAFKA_";
    /**
     * {@code ALLDATA_*} variables that are not settings but are read elsewhere, so a shell or unit that sets them
     * for those readers can also start a sidecar: {@code ALLDATA_JAVA_OPTS} (JVM options, read by the
     * {@code alldata} launcher script) and {@code ALLDATA_LOG_LEVEL} (the root log level, read by
     * {@code logback.xml}). The CLI reads {@code ALLDATA_KAFKA_BOOTSTRAP_SERVERS} and {@code ALLDATA_HTTP_AUTH_TOKEN},
     * which are settings anyway. A new variable read anywhere else belongs here.
     */
    public static final Set<String> NOT_SETTINGS = Set.of("ALLDATA_JAVA_OPTS", "ALLDATA_LOG_LEVEL");

    private EnvironmentVariables() {
    }

    /** Whether a sidecar accepts the variable {@code name} (which starts with {@link #PREFIX}). */
    public static boolean accepted(String name) {
        return name.startsWith(KAFKA_PREFIX) || NOT_SETTINGS.contains(name) || settingNames().contains(name);
    }

    /**
     * Refuses every {@code ALLDATA_*} variable of {@code env} that a sidecar does not accept.
     *
     * @throws IllegalArgumentException naming each such variable and the closest accepted one, if any is close
     */
    static void refuseUnknown(Map<String, String> env) {
        List<String> known = new ArrayList<>(settingNames());
        known.add(Setting.envName(SidecarConfig.KAFKA_PREFIX + "bootstrap.servers"));
        known.addAll(new TreeSet<>(NOT_SETTINGS));
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith(PREFIX) && !accepted(name)) {
                problems.add("unknown environment variable '" + name + "'" + ClosestKey.among(name, known)
                        .map(k -> " (did you mean '" + k + "'?)").orElse(""));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static List<String> settingNames() {
        return SidecarConfig.settings().stream().map(Setting::envName).toList();
    }
}
