package alldata.http;

import java.net.URI;
import java.util.Objects;

/** Where a node's HTTP API is: the one rule that turns what a person or a membership record gives into a base URL. */
public final class NodeAddress {
    /** The port a sidecar's HTTP API listens on unless {@code http.port} says otherwise, and the tools' default. */
    public static final int DEFAULT_PORT = 8080;

    private NodeAddress() {
    }

    /**
     * The base URL of the API at {@code address}: {@code host:port} is plain HTTP, a URL ({@code http://host:port},
     * {@code https://host:port}) is taken as it is; surrounding blanks and trailing slashes are dropped.
     *
     * @throws IllegalArgumentException when the result is no URL with a host
     */
    public static String baseUrl(String address) {
        Objects.requireNonNull(address, "address");
        String a = address.strip();
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        String base = a.startsWith("http://") || a.startsWith("https://") ? a : "http://" + a;
        URI uri = URI.create(base);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("not a node's HTTP address: '" + address
                    + "'; give HOST:PORT, or http(s)://HOST:PORT");
        }
        return base;
    }
}
