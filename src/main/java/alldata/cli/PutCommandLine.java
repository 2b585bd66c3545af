package alldata.cli;

import alldata.client.AllDataClient;
import alldata.client.Plural;
import alldata.core.CommitLevel;
import alldata.protocol.PutOutcome;
import alldata.protocol.Wire;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alldata put}: produces JSON lines as events and prints each one's outcome. */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Produce events and print each one's outcome as JSON.",
                "Events are JSON objects, one per line, from stdin or --file.",
                "Exit code: 0 all COMMITTED; 1 some FAILED or timed out, or Kafka cannot be",
                "reached; 2 bad usage."})
final class PutCommandLine implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--commit-level",
            description = {"${COMPLETION-CANDIDATES} (default: the sidecars' default)."})
    CommitLevel commitLevel; // an enum, so that a wrong level is refused before any event is sent

    @Option(names = "--file", description = "Read events from this file instead of stdin.")
    Path file;

    @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for each outcome (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    ConnectTimeout connectTimeout;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // first, so that a wrong address is said before anyone types events on stdin
        Map<String, Object> config = kafka.connect(connectTimeout.value);
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        int failed = 0;
        try (AllDataClient client = new AllDataClient(config, kafka.topics(), timeout)) {
            List<CompletableFuture<PutOutcome>> futures = new ArrayList<>(lines.size());
            for (String line : lines) {
                futures.add(client.put(null, line.getBytes(StandardCharsets.UTF_8),
                        commitLevel == null ? null : commitLevel.name()));
            }
            for (CompletableFuture<PutOutcome> f : futures) {
                try {
                    PutOutcome o = f.get();
                    out.println(new String(Wire.encode(o), StandardCharsets.UTF_8));
                    failed += o.committed() ? 0 : 1;
                } catch (ExecutionException e) {
                    err.println("error: " + e.getCause().getMessage());
                    err.flush();
                    failed++;
                }
                out.flush();
            }
        }
        if (failed > 0) {
            err.printf("%d of %s did not commit%n", failed, Plural.count(lines.size(), "event"));
            err.flush();
        }
        return failed == 0 ? 0 : 1;
    }
}
