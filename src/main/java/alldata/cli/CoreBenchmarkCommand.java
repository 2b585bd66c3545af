package alldata.cli;

import alldata.dev.CoreBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alldata bench-core}: prints what {@link CoreBench} measures. */
@Command(name = "bench-core", mixinStandardHelpOptions = true,
        description = {"Measure placements/s, PendingPut transitions/s, synced RocksDB writes/s.",
                "No Kafka is involved."})
final class CoreBenchmarkCommand implements Callable<Integer> {
    @Option(names = "--event-size", defaultValue = "200", description = "Event size in bytes (default ${DEFAULT-VALUE}).")
    int eventSize;

    @Option(names = "--seconds", defaultValue = "2", description = "Measured time per case, after as long a warm-up (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--data-dir", description = "Where to put the scratch store (default: a temp directory, deleted after).")
    Path dataDir;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (eventSize < 0) {
            throw new IllegalArgumentException("--event-size must not be negative, not " + eventSize);
        }
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be more than 0, not " + seconds);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-44s %15s%n", "case", "per second");
        out.flush();
        CoreBench.run(eventSize, seconds, dataDir, c -> {
            out.printf("%-44s %,15.0f%n", c.name(), c.perSecond());
            out.flush();
        });
        return 0;
    }
}
