package alldata.sidecar.health;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether this node's HTTP API can be reached by peers on other machines. Peers read from each other and repair
 * through the address a node announces ({@code http.advertised.address}); a node that announces, or only listens
 * on, a loopback address while Kafka (and so, presumably, its peers) is on other hosts starts fine and then fails
 * every cross-node read and repair. That cannot be checked against the peers at start (none may be known yet),
 * so it is judged from the configuration alone: loopback HTTP beside non-loopback Kafka. Pure: no name is
 * resolved, only literal addresses and {@code localhost} count as loopback.
 */
public final class LoopbackCheck {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private LoopbackCheck() {
    }

    /**
     * The warning to log at start, if any.
     *
     * @param bind             {@code http.bind}
     * @param advertised       the announced {@code host:port} ({@code http.advertised.address}, else as derived from
     *                         the bound address)
     * @param bootstrapServers {@code kafka.bootstrap.servers}
     */
    public static Optional<String> warning(String bind, String advertised, String bootstrapServers) {
        boolean kafkaElsewhere = Arrays.stream(bootstrapServers.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).anyMatch(s -> !isLoopback(host(s)));
        if (!kafkaElsewhere) {
            return Optional.empty(); // everything on this machine: a dev or test setup
        }
        if (isLoopback(host(advertised))) {
            return Optional.of("this node announces its HTTP API as " + advertised + ", a loopback address, while Kafka"
                    + " (" + bootstrapServers + ") is on other hosts: peers on other machines cannot read from this"
                    + " node or repair through it. Set http.advertised.address to host:port as other nodes reach this"
                    + " one, and http.bind to 0.0.0.0 or this node's address");
        }
        if (isLoopback(bind)) {
            return Optional.of("HTTP listens on " + bind + " only (http.bind), while Kafka (" + bootstrapServers + ")"
                    + " is on other hosts: peers cannot connect to http.advertised.address " + advertised + " unless a"
                    + " proxy on this host forwards to it. Set http.bind to 0.0.0.0 or this node's address");
        }
        return Optional.empty();
    }

    /** The host of {@code host:port}, {@code [v6]:port}, {@code v6:port} or {@code PROTOCOL://host:port}. */
    static String host(String address) {
        String a = address.strip();
        int scheme = a.indexOf("://");
        if (scheme >= 0) {
            a = a.substring(scheme + 3);
        }
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end < 0 ? a.substring(1) : a.substring(1, end);
        }
        int colon = a.lastIndexOf(':');
        return colon < 0 ? a : a.substring(0, colon);
    }

    /** Whether {@code host} is {@code localhost} or a literal loopback address (127.0.0.0/8, ::1). */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (IPV4.matcher(h).matches()) {
            return h.startsWith("127.");
        }
        if (!h.contains(":")) {
            return false; // a name: not resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
