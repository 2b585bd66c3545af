package alldata.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.config.SidecarConfig;
import alldata.sidecar.http.HttpOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the composition root builds from the config for its parts. */
class SidecarTest {
    private static final Map<String, String> MIN = Map.of("node.id", "n1", "kafka.bootstrap.servers", "localhost:1");

    @Test
    void theHttpKeysMakeTheHttpApisOptions() {
        Map<String, String> v = new HashMap<>(MIN);
        v.put("http.auth.token", "tok");
        v.putAll(Map.of("http.bind", "0.0.0.0", "http.port", "8443", "http.advertised.address", "n1.example:8443",
                "http.tls.keystore.path", "/k.p12", "http.tls.keystore.password", "kp", "http.tls.truststore.path", "/t.jks",
                "http.tls.truststore.type", "JKS", "http.peer.timeout.ms", "1500", "http.scan.max.page.bytes", "4096",
                "http.read.threads", "2"));
        HttpOptions o = Sidecar.httpOptions(SidecarConfig.from(v, Map.of()));
        assertThat(o.bind()).isEqualTo("0.0.0.0");
        assertThat(o.port()).isEqualTo(8443);
        assertThat(o.advertised()).hasValue("n1.example:8443");
        assertThat(o.token()).hasValue("tok");
        assertThat(o.keystore()).hasValueSatisfying(k -> assertThat(k).isEqualTo(
                new HttpOptions.KeyStoreFile(Path.of("/k.p12"), "kp", "PKCS12")));
        assertThat(o.truststore()).hasValueSatisfying(t -> assertThat(t).isEqualTo(
                new HttpOptions.KeyStoreFile(Path.of("/t.jks"), null, "JKS")));
        assertThat(o.peerTimeout()).isEqualTo(java.time.Duration.ofMillis(1500));
        assertThat(o.maxPageBytes()).isEqualTo(4096);
        assertThat(o.readThreads()).isEqualTo(2);
        assertThat(Sidecar.httpOptions(SidecarConfig.from(MIN, Map.of())).https()).isFalse();
    }
}
