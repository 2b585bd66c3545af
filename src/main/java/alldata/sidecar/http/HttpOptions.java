package alldata.sidecar.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a node's HTTP API serves and how it reads from its peers.
 *
 * @param bind          address to bind to
 * @param port          port (0 picks a free one)
 * @param advertised    {@code host:port} peers and clients use; empty: the bound address
 * @param keystore      with it, the API speaks HTTPS only
 * @param truststore    certificates trusted when reading from HTTPS peers; empty: the JDK's default trust store
 * @param token         when set, every request but {@code /health/live} needs {@code Authorization: Bearer <token>},
 *                      and requests to peers carry it
 * @param peerTimeout   how long a peer may take to connect, to answer, and between the bytes of its answer
 * @param maxPageBytes  a scan page ends before its events exceed this (it holds at least one)
 * @param readThreads   scans served at once, and cluster reads served at once
 */
public record HttpOptions(String bind, int port, Optional<String> advertised, Optional<KeyStoreFile> keystore,
                          Optional<KeyStoreFile> truststore, Optional<String> token, Duration peerTimeout,
                          long maxPageBytes, int readThreads) {
    /** Default largest page of a scan in bytes. */
    public static final long DEFAULT_MAX_PAGE_BYTES = 16L << 20;

    /**
     * A keystore or truststore file.
     *
     * @param password its password, or null for a truststore without one
     * @param type     PKCS12 or JKS
     */
    public record KeyStoreFile(Path path, String password, String type) {
        public KeyStoreFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(type, "type");
        }

        @Override
        public String toString() {
            return type + " " + path + (password == null ? "" : " (password set)");
        }
    }

    public HttpOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(advertised, "advertised");
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(truststore, "truststore");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        if (maxPageBytes < 1 || readThreads < 1) {
            throw new IllegalArgumentException("maxPageBytes and readThreads must be positive");
        }
    }

    /** Plain HTTP on {@code bind:port}, no token, default limits. */
    public static HttpOptions plain(String bind, int port) {
        return new HttpOptions(bind, port, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(5), DEFAULT_MAX_PAGE_BYTES, 4);
    }

    public HttpOptions withTls(KeyStoreFile keystore, KeyStoreFile truststore) {
        return new HttpOptions(bind, port, advertised, Optional.of(keystore), Optional.ofNullable(truststore), token,
                peerTimeout, maxPageBytes, readThreads);
    }

    public HttpOptions withToken(String token) {
        return new HttpOptions(bind, port, advertised, keystore, truststore, Optional.ofNullable(token), peerTimeout,
                maxPageBytes, readThreads);
    }

    public HttpOptions withMaxPageBytes(long maxPageBytes) {
        return new HttpOptions(bind, port, advertised, keystore, truststore, token, peerTimeout, maxPageBytes,
                readThreads);
    }

    public HttpOptions withPeerTimeout(Duration peerTimeout) {
        return new HttpOptions(bind, port, advertised, keystore, truststore, token, peerTimeout, maxPageBytes,
                readThreads);
    }

    /** Whether the API speaks HTTPS. */
    public boolean https() {
        return keystore.isPresent();
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "HttpOptions[" + bind + ":" + port + advertised.map(a -> ", advertised " + a).orElse("")
                + keystore.map(k -> ", https with " + k).orElse(", http") + truststore.map(t -> ", trusting " + t).orElse("")
                + (token.isPresent() ? ", token set" : "") + ", peer timeout " + peerTimeout.toMillis() + " ms, pages up to "
                + maxPageBytes + " bytes, " + readThreads + " read threads]";
    }
}
