package alldata.cli;

import alldata.client.ExportProgress;
import alldata.client.Plural;
import alldata.client.RangeExport;
import alldata.core.KeyTime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alldata export}: a closed time range as hourly JSON Lines files for a batch layer ({@link RangeExport}). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export every event of FROM <= time < TO exactly once, in key order.",
                "One file per hour of key time, OUT/yyyyMMdd/HH.jsonl.gz, each with a",
                "manifest OUT/yyyyMMdd/HH.manifest.json (count, first and last key,",
                "SHA-256 of the file). A second run writes the same bytes.",
                "Times: a UTC key prefix (20261125, 20261125T04, ...) or ISO-8601",
                "(2026-11-25T04:00:00Z). The range must be closed: TO at least --grace",
                "ago, unless --allow-open.",
                "Exit code: 0 exported; 1 a read or write failed, or the node at --http",
                "cannot be reached; 2 bad usage."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, description = "First time to include.")
    String from;

    @Option(names = "--to", required = true, description = "First time to exclude.")
    String to;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory of the day directories.")
    Path out;

    @Option(names = "--format", defaultValue = RangeExport.FORMAT, description = "File format; only ${DEFAULT-VALUE} so far.")
    String format;

    @Option(names = "--allow-open", description = "Export a range that ends less than --grace ago (a later run may find more).")
    boolean allowOpen;

    @Option(names = "--grace", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long ago the range must end to count as closed (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--page-size", defaultValue = "1000", description = "Events per scan page (default ${DEFAULT-VALUE}).")
    int pageSize;

    @Mixin
    HttpReadOptions http;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!format.equals(RangeExport.FORMAT)) {
            throw new IllegalArgumentException("--format " + format + " is not supported: use " + RangeExport.FORMAT);
        }
        Instant start = KeyTime.parse(from);
        Instant end = KeyTime.parse(to);
        PrintWriter err = spec.commandLine().getErr();
        ExportProgress progress = System.console() != null ? ExportProgress.bar(err) : ExportProgress.lines(err);
        RangeExport.Summary s = new RangeExport(http.reader(), Instant::now)
                .run(new RangeExport.Request(start, end, out, grace, allowOpen, pageSize), progress);
        spec.commandLine().getOut().printf("exported %s of %s <= time < %s in %s under %s%n",
                Plural.count(s.events(), "event"), start, end, Plural.count(s.files().size(), "file"), out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
