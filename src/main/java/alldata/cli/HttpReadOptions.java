package alldata.cli;

import alldata.client.HttpReader;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by the commands that read through a node's HTTP API. */
final class HttpReadOptions {
    /** A node that stops sending its answer for this long fails the read (connecting has --timeout). */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--http", defaultValue = "localhost:8081", paramLabel = "HOST:PORT",
            description = {"A node's HTTP address (default ${DEFAULT-VALUE}); any node answers for the cluster.",
                    "https://HOST:PORT for a node with TLS (trust: ALLDATA_JAVA_OPTS=-Djavax.net.ssl.trustStore=…)."})
    String http;

    // the default comes from the environment and is never shown: it is a secret
    @Option(names = "--token", defaultValue = "${env:ALLDATA_HTTP_AUTH_TOKEN}", paramLabel = "TOKEN",
            description = "The cluster's http.auth.token (default: the ALLDATA_HTTP_AUTH_TOKEN variable).")
    String token;

    @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait for the node to accept a connection (default ${DEFAULT-VALUE}).")
    Duration timeout;

    HttpReader reader() {
        return new HttpReader(http, Optional.ofNullable(token), timeout, READ_TIMEOUT, "check --http");
    }
}
