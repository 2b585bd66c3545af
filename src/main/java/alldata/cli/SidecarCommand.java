package alldata.cli;

import alldata.sidecar.Sidecar;
import alldata.sidecar.SidecarConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code alldata sidecar --config FILE}: one production sidecar against an existing Kafka. */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = {"Run one sidecar (coordinator, replica writer, membership, HTTP)",
                "against an existing Kafka, until Ctrl-C. Settings come from the",
                "properties file; ALLDATA_* environment variables override them."})
final class SidecarCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The sidecar's properties file (see config/).")
    Path config;

    @Override
    public Integer call() throws Exception {
        SidecarConfig c = SidecarConfig.load(config);
        Sidecar sidecar = Sidecar.start(c);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sidecar.close();
            stopped.countDown();
        }, "alldata-shutdown"));
        System.err.println("sidecar " + c.nodeId() + " running; HTTP on " + sidecar.httpAddress() + "; Ctrl-C stops it");
        stopped.await();
        return 0;
    }
}
