package alldata.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.AllDataKey;
import alldata.protocol.MemberRecord;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API off loopback: HTTPS with a keystore made here by the JDK's {@code keytool}, a bearer token, and
 * peers that send the token and trust the configured truststore. Two nodes; each key is on one of them.
 */
class HttpSecurityTest {
    private static final String PASSWORD = "changeit-7";
    private static final String TOKEN = "t0ken-for-tests";
    private static final String ON_1 = AllDataKey.ingest(1_790_000_000_000L, 0, 1).value();
    private static final String ON_2 = AllDataKey.ingest(1_790_000_001_000L, 0, 2).value();

    @TempDir
    static Path certs;
    private static HttpOptions.KeyStoreFile keystore;
    private static HttpOptions.KeyStoreFile truststore;

    @TempDir
    Path dir;
    private final List<RocksReplicaStore> stores = new ArrayList<>();
    private final List<HttpApi> apis = new ArrayList<>();

    /** A self-signed certificate for 127.0.0.1 and localhost, and a truststore holding it. */
    @BeforeAll
    static void makeCertificates() throws Exception {
        Path ks = certs.resolve("node.p12");
        Path cer = certs.resolve("node.cer");
        Path ts = certs.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "node", "-keystore", ks.toString(), "-storepass", PASSWORD, "-file", cer.toString());
        keytool("-importcert", "-noprompt", "-alias", "node", "-file", cer.toString(), "-storetype", "PKCS12",
                "-keystore", ts.toString(), "-storepass", PASSWORD);
        keystore = new HttpOptions.KeyStoreFile(ks, PASSWORD, "PKCS12");
        truststore = new HttpOptions.KeyStoreFile(ts, PASSWORD, "PKCS12");
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool " + args[0] + ": " + out).isZero();
    }

    @AfterEach
    void stop() {
        apis.forEach(HttpApi::close);
        stores.forEach(RocksReplicaStore::close);
    }

    /** Two nodes with {@code options}; node-1 holds {@link #ON_1}, node-2 {@link #ON_2}. */
    private void start(HttpOptions options) throws Exception {
        List<PeerDirectory> directories = new ArrayList<>();
        String[] keys = {ON_1, ON_2};
        for (int n = 0; n < 2; n++) {
            RocksReplicaStore store = RocksReplicaStore.open(dir.resolve("node-" + (n + 1)));
            store.write(List.of(new ReplicaWrite(keys[n], ("{\"on\":" + (n + 1) + "}").getBytes(StandardCharsets.UTF_8), null)));
            stores.add(store);
            PeerDirectory d = new PeerDirectory("node-" + (n + 1), "a", "r", 60_000, System::currentTimeMillis);
            directories.add(d);
            apis.add(new HttpApi(options, store, d, () -> Health.passing("ready"), () -> "m 1\n"));
        }
        for (PeerDirectory d : directories) {
            for (int n = 0; n < 2; n++) {
                String id = "node-" + (n + 1);
                d.apply(id, new MemberRecord(id, "a", "r", "t", apis.get(n).address(), MemberRecord.State.UP,
                        System.currentTimeMillis(), apis.get(n).https(), null, 0));
            }
        }
    }

    private static HttpOptions plain() {
        return HttpOptions.plain("127.0.0.1", 0).withPeerTimeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> get(HttpClient client, String scheme, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://" + apis.get(0).address() + path))
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext trusting(Path truststore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    // ---------------------------------------------------------------------------------------- token

    @Test
    void withATokenEveryEndpointButLivenessAnswers401WithoutIt() throws Exception {
        start(plain().withToken(TOKEN));
        HttpClient c = HttpClient.newHttpClient();
        for (String path : new String[] {"/events/" + ON_1, "/events?limit=5", "/health/ready", "/health", "/metrics",
                "/nothing"}) {
            HttpResponse<String> none = get(c, "http", path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(get(c, "http", path, TOKEN + "x").statusCode()).as(path + " with a wrong token").isEqualTo(401);
        }
        assertThat(get(c, "http", "/health/live", null).statusCode()).isEqualTo(200);
        assertThat(get(c, "http", "/events/" + ON_1, TOKEN).body()).isEqualTo("{\"on\":1}");
        assertThat(get(c, "http", "/health/ready", TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(c, "http", "/metrics", TOKEN).body()).isEqualTo("m 1\n");
    }

    @Test
    void peersSendTheTokenSoClusterReadsStillWork() throws Exception {
        start(plain().withToken(TOKEN));
        HttpClient c = HttpClient.newHttpClient();
        HttpResponse<String> r = get(c, "http", "/events/" + ON_2, TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"on\":2}");
        assertThat(HttpApiTest.scannedKeys(get(c, "http", "/events", TOKEN))).containsExactly(ON_1, ON_2);
    }

    // ------------------------------------------------------------------------------------------ TLS

    @Test
    void overHttpsEveryReadWorksAndPeersTrustTheTruststore() throws Exception {
        start(plain().withTls(keystore, truststore).withToken(TOKEN));
        assertThat(apis.get(0).https()).isTrue();
        HttpClient c = HttpClient.newBuilder().sslContext(trusting(truststore.path())).build();
        assertThat(get(c, "https", "/events/" + ON_1, TOKEN).body()).isEqualTo("{\"on\":1}");
        HttpResponse<String> fromPeer = get(c, "https", "/events/" + ON_2, TOKEN);
        assertThat(fromPeer.statusCode()).as(fromPeer.body()).isEqualTo(200);
        assertThat(fromPeer.body()).isEqualTo("{\"on\":2}");
        assertThat(HttpApiTest.scannedKeys(get(c, "https", "/events", TOKEN))).containsExactly(ON_1, ON_2);
        assertThat(get(c, "https", "/health/live", null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "http", "/health/live", null))
                .as("plain HTTP to an HTTPS port").isInstanceOf(IOException.class);
    }

    @Test
    void peersThatDoNotTrustTheCertificateCannotReadFromEachOther() throws Exception {
        start(plain().withTls(keystore, null)); // the JDK's default trust store does not know our certificate
        HttpClient c = HttpClient.newBuilder().sslContext(trusting(truststore.path())).build();
        assertThat(get(c, "https", "/events/" + ON_1, null).statusCode()).isEqualTo(200);
        HttpResponse<String> r = get(c, "https", "/events/" + ON_2, null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("could not ask node-2").containsIgnoringCase("SSL");
    }

    @Test
    void aWrongKeystorePasswordIsAClearErrorThatDoesNotShowThePassword() {
        HttpOptions.KeyStoreFile wrong = new HttpOptions.KeyStoreFile(keystore.path(), "wrong-pass-42", "PKCS12");
        assertThatThrownBy(() -> new HttpApi(plain().withTls(wrong, null), null, null, () -> Health.passing("x"), () -> ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(keystore.path().toString())
                .hasMessageNotContaining("wrong-pass-42");
        assertThat(plain().withToken("s3cret").withTls(keystore, truststore).toString())
                .doesNotContain("s3cret", PASSWORD).contains("token set");
    }
}
