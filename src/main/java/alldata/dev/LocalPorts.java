package alldata.dev;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that a local port is free before a start that would otherwise fail deep inside Kafka or the
 * HTTP server (with a stack trace instead of the option to change).
 */
public final class LocalPorts {
    private LocalPorts() {
    }

    /** True when nothing listens on {@code port} of the loopback address (where the dev broker and nodes listen). */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Throws unless {@code port} is free (0, "any free port", always is).
     *
     * @param what   what would listen there, e.g. "the Kafka broker"
     * @param option the option that chooses another port, e.g. "--kafka-port"
     * @throws IllegalStateException one line naming the port and the option
     */
    public static void requireFree(int port, String what, String option) {
        if (port != 0 && !isFree(port)) {
            throw new IllegalStateException("port " + port + " (" + what + ") is already in use, perhaps by another "
                    + "broker or 'alldata dev': stop it, or choose another port with " + option);
        }
    }
}
