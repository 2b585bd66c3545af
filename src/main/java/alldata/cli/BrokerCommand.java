package alldata.cli;

import alldata.dev.EmbeddedKafka;
import alldata.dev.LocalPorts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alldata broker}: the embedded single-node KRaft broker alone, for sidecars run as separate processes. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run a single-node Kafka broker (KRaft, embedded) until Ctrl-C.",
                "For sidecars run as separate processes without Docker:",
                "  ./alldata sidecar --config config/node-1.properties",
                "Topics and offsets are kept in --data-dir across restarts."})
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Client port on localhost (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "./data/kafka", description = "Broker data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be within 0..65535, got " + port);
        }
        LocalPorts.requireFree(port, "the Kafka broker", "--port");
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "alldata-broker-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Kafka broker up; bootstrap servers: " + kafka.bootstrapServers() + " (data in " + kafka.dataDir()
                + "); Ctrl-C stops it");
        out.flush();
        stopped.await();
        return 0;
    }
}
