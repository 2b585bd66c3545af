package alldata.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the JDK's HTTP clients throw when they cannot connect, said in words. */
class ConnectFailureTest {
    private static final Duration FIVE_S = Duration.ofSeconds(5);

    @Test
    void aRefusedConnectionSaysSo() {
        assertThat(ConnectFailure.reason(new ConnectException("Connection refused"), "h", FIVE_S)).hasValue("connection refused");
    }

    @Test
    void javaNetHttpsSilentConnectExceptionIsExplainedByItsCause() {
        ConnectException silent = new ConnectException();
        silent.initCause(new ConnectException("Connection refused"));
        assertThat(ConnectFailure.reason(silent, "h", FIVE_S)).hasValue("connection refused");
    }

    @Test
    void aNameThatDoesNotResolveIsNamed() {
        assertThat(ConnectFailure.reason(new UnknownHostException("nosuchhost.invalid"), "nosuchhost.invalid", FIVE_S))
                .hasValue("unknown host nosuchhost.invalid");
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        assertThat(ConnectFailure.reason(unresolved, "nosuchhost.invalid", FIVE_S)).hasValue("unknown host nosuchhost.invalid");
    }

    @Test
    void aConnectTimeoutSaysHowLongItWaited() {
        assertThat(ConnectFailure.reason(new SocketTimeoutException("Connect timed out"), "h", FIVE_S))
                .hasValue("no answer within 5 s");
        assertThat(ConnectFailure.reason(new HttpConnectTimeoutException("HTTP connect timed out"), "h", Duration.ofMillis(500)))
                .hasValue("no answer within 500 ms");
    }

    @Test
    void otherErrorsAreNoConnectFailure() {
        assertThat(ConnectFailure.reason(new IOException("HTTP 503"), "h", FIVE_S)).isEmpty();
    }
}
