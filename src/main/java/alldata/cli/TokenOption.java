package alldata.cli;

import alldata.client.RepairClient;
import alldata.http.NodeClient;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --token}: the cluster's bearer token, for every command that talks to nodes' HTTP APIs, and the clients
 * made with it. A blank token is no token ({@link alldata.http.BearerToken}).
 */
final class TokenOption {
    /** The variable that sets {@code --token}'s default; a sidecar reads the same one for {@code http.auth.token}. */
    static final String TOKEN_VARIABLE = "ALLDATA_HTTP_AUTH_TOKEN";
    /** How long a node named in the membership topic may take to accept a connection. */
    static final Duration MEMBER_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a node may take to answer, and between the bytes of its answer, unless the endpoint says otherwise. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    // the default comes from the environment and is never shown: it is a secret
    @Option(names = "--token", defaultValue = "${env:" + TOKEN_VARIABLE + "}", paramLabel = "TOKEN",
            description = "The cluster's http.auth.token, when its nodes require one (default: the "
                    + TOKEN_VARIABLE + " variable).")
    String token;

    /** A client of nodes' HTTP APIs with this token and the JDK's default trust. */
    NodeClient client(Duration connectTimeout) {
        return NodeClient.withDefaultTrust(Optional.ofNullable(token), connectTimeout, ANSWER_TIMEOUT);
    }

    /** The client of the repair endpoints of the nodes named in the membership topic. */
    RepairClient repairClient() {
        return new RepairClient(client(MEMBER_CONNECT_TIMEOUT));
    }
}
