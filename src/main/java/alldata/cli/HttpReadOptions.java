package alldata.cli;

import alldata.client.HttpReader;
import alldata.http.NodeAddress;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the commands that read through a node's HTTP API: the node, the token, the connect bound. */
final class HttpReadOptions {
    /** Where a node listens unless told otherwise: a sidecar's default {@code http.port} on this machine. */
    static final String DEFAULT_ADDRESS = "localhost:" + NodeAddress.DEFAULT_PORT;

    @Option(names = "--http", defaultValue = DEFAULT_ADDRESS, paramLabel = "HOST:PORT",
            description = {"A node's HTTP address (default ${DEFAULT-VALUE}, a sidecar's default port); any node"
                    + " answers for the cluster. 'alldata dev' prints the address of its nodes.",
                    "https://HOST:PORT for a node with TLS (trust: ALLDATA_JAVA_OPTS=-Djavax.net.ssl.trustStore=…)."})
    String http;

    @Mixin
    TokenOption token;

    @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait for the node to accept a connection (default ${DEFAULT-VALUE}).")
    Duration timeout;

    /** A reader of the node at {@code --http}; a node that stops sending its answer for 60 s fails the read. */
    HttpReader reader() {
        return new HttpReader(token.client(timeout), http, "check --http");
    }
}
