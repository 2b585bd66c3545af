package alldata.sidecar.http;

import alldata.sidecar.http.HttpOptions.KeyStoreFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts of the HTTP API: the server's from its keystore, the peer client's from its truststore. */
final class HttpTls {
    private HttpTls() {
    }

    /**
     * The server context: the key and certificate in {@code keystore}.
     *
     * @throws IllegalArgumentException naming the file (never the password) when it cannot be used
     */
    static SSLContext server(KeyStoreFile keystore) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keystore), keystore.password().toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the HTTP keystore " + keystore.path() + ": " + e.getMessage(), e);
        }
    }

    /** The context for reading from HTTPS peers: {@code truststore}, else the JDK's default trust. */
    static SSLContext client(Optional<KeyStoreFile> truststore) {
        try {
            if (truststore.isEmpty()) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(truststore.get()));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the HTTP truststore " + truststore.map(KeyStoreFile::path).orElse(null)
                    + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(KeyStoreFile file) throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(file.type());
        try (InputStream in = Files.newInputStream(file.path())) {
            ks.load(in, file.password() == null ? null : file.password().toCharArray());
        } catch (IOException e) {
            // a wrong password shows as an IOException too ("keystore password was incorrect")
            throw new IllegalArgumentException("cannot read " + file.type() + " store " + file.path() + ": " + e.getMessage(), e);
        }
        return ks;
    }
}
