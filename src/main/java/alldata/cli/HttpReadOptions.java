package alldata.cli;

import alldata.client.HttpReader;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by the commands that read through a node's HTTP API. */
final class HttpReadOptions {
    @Option(names = "--http", defaultValue = "localhost:8081", paramLabel = "HOST:PORT",
            description = {"A node's HTTP address (default ${DEFAULT-VALUE}); any node answers for the cluster.",
                    "https://HOST:PORT for a node with TLS (trust: ALLDATA_JAVA_OPTS=-Djavax.net.ssl.trustStore=…)."})
    String http;

    // the default comes from the environment and is never shown: it is a secret
    @Option(names = "--token", defaultValue = "${env:ALLDATA_HTTP_AUTH_TOKEN}", paramLabel = "TOKEN",
            description = "The cluster's http.auth.token (default: the ALLDATA_HTTP_AUTH_TOKEN variable).")
    String token;

    HttpReader reader(Duration timeout) {
        return new HttpReader(http, Optional.ofNullable(token), timeout);
    }
}
