package alldata.http;

import alldata.protocol.KafkaReach;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells a failure to connect from the other I/O errors of an HTTP call, and says it in words: the JDK's clients
 * say "Connection refused", a bare host name, or nothing at all.
 */
final class ConnectFailure {
    private ConnectFailure() {
    }

    /**
     * Why connecting to {@code host} failed, e.g. "connection refused" or "unknown host nosuchhost.invalid"; empty
     * when {@code e} is no failure to connect.
     *
     * @param e       what the client threw while connecting (a socket timeout counts as no answer: pass only what
     *                connecting threw)
     * @param timeout the connect timeout, for the words
     */
    static Optional<String> reason(IOException e, String host, Duration timeout) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return Optional.of("unknown host " + host);
            }
        }
        if (e instanceof HttpConnectTimeoutException || e instanceof SocketTimeoutException) {
            return Optional.of("no answer within " + KafkaReach.seconds(timeout));
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            // java.net.http says nothing itself, and for a refused connection neither do its causes
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    return Optional.of(t.getMessage().toLowerCase(Locale.ROOT));
                }
            }
            return Optional.of("connection refused");
        }
        return Optional.empty();
    }
}
