package alldata.cli;

import alldata.sidecar.Sidecar;
import alldata.sidecar.config.SidecarConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alldata sidecar --config FILE}: one production sidecar against an existing Kafka. */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = {"Run one sidecar against an existing Kafka, until Ctrl-C.",
                "A sidecar is a coordinator, a replica writer, membership and an HTTP API.",
                "Settings come from the properties file; ALLDATA_* environment variables",
                "override them."})
final class SidecarCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--config", description = "The sidecar's properties file (see config/).")
        Path config;

        @Option(names = "--print-config-reference",
                description = "Print every config key (type, default, allowed values, meaning) as a Markdown table and exit.")
        boolean printReference;
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (what.printReference) {
            spec.commandLine().getOut().print(SidecarConfig.markdownTable());
            spec.commandLine().getOut().flush();
            return 0;
        }
        SidecarConfig c = SidecarConfig.load(what.config);
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
