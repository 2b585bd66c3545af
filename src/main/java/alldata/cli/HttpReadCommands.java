package alldata.cli;

import alldata.client.HttpReader;
import alldata.protocol.ScanLines;
import alldata.protocol.ScanRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code alldata get} and {@code alldata scan}: reads through a node's HTTP API, which answers for the cluster. */
final class HttpReadCommands {
    private HttpReadCommands() {
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Print the event stored under KEY (exact bytes), from whichever node holds it.",
                    "Exit code: 0 found; 1 not found, an error, or the node at --http cannot be",
                    "reached."})
    static final class Get implements Callable<Integer> {
        @Parameters(paramLabel = "KEY", description = "The AllData key.")
        String key;

        @Option(names = "--local", description = "Only the store of the node at --http.")
        boolean local;

        @Mixin
        HttpReadOptions http;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            HttpReader reader = http.reader();
            byte[] event;
            try {
                event = reader.get(key, local);
            } catch (java.io.IOException e) { // not found among them: the node says how many nodes it asked
                err.println("error: " + e.getMessage());
                err.flush();
                return 1;
            }
            spec.commandLine().getOut().println(new String(event, StandardCharsets.UTF_8));
            return 0;
        }
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = {"Print events of the cluster as JSON lines, in key (time) order, each once.",
                    "With --from: the first --limit events with FROM <= key < TO; a page after which",
                    "more remain says so on stderr, with the --cursor of the next one.",
                    "With --all: every event of the range, following the cursors (from the start",
                    "when --from is left out; --limit is then the page size).",
                    "Without --from: the newest --limit events (before TO, if given).",
                    "Keys start with the UTC time, yyyyMMdd'T'HHmmssSSS, so any prefix of it",
                    "is a bound: --from $(date -u +%%Y%%m%%d) is today, 20261125T04 an hour.",
                    "Exit code: 0 done (also when no event matched); 1 an error, or the node at",
                    "--http cannot be reached; 2 bad usage."})
    static final class Scan implements Callable<Integer> {
        /** Events shown without {@code --from} unless {@code --limit} says otherwise: a screenful. */
        static final int NEWEST_LIMIT = 10;
        static final int RANGE_LIMIT = 1000;

        @Option(names = "--from", description = "First key or time prefix to include.")
        String from;

        @Option(names = "--to", description = "First key or time prefix to exclude.")
        String to;

        @Option(names = "--limit", description = {"At most this many events per page", "(default " + RANGE_LIMIT + ", or "
                + NEWEST_LIMIT + " without --from)."})
        Integer limit;

        @Option(names = "--cursor", description = "Continue a scan where its last page ended (the cursor it printed).")
        String cursor;

        @Option(names = "--all", description = "Follow the cursors to the end of the range.")
        boolean all;

        @Option(names = "--local", description = "Only the store of the node at --http.")
        boolean local;

        @Mixin
        HttpReadOptions http;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (from != null && to != null && from.compareTo(to) > 0) {
                throw new IllegalArgumentException("--from " + from + " is after --to " + to
                        + ": no key can match (the range is FROM <= key < TO)");
            }
            boolean newest = from == null && cursor == null && !all;
            int n = limit != null ? limit : newest ? NEWEST_LIMIT : RANGE_LIMIT;
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            HttpReader reader = http.reader();
            ScanRequest scan = new ScanRequest(from, to, n, newest, cursor, local);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long[] events = {0};
            String next;
            String lastUnavailable = null;
            try {
                do {
                    HttpReader.Page page = reader.page(scan, e -> {
                        line.reset();
                        ScanLines.writeEvent(line, e.key(), e.event());
                        out.print(line.toString(StandardCharsets.UTF_8));
                        events[0]++;
                    });
                    out.flush();
                    if (page.error() != null) {
                        err.println("note: a page ended early (" + page.error() + "); continuing from its last event");
                    }
                    if (page.unavailable() != null && !page.unavailable().equals(lastUnavailable)) {
                        err.println("warning: read without " + page.unavailable() + ": events held only there are missing");
                    }
                    lastUnavailable = page.unavailable();
                    next = page.next();
                    scan = scan.withCursor(next);
                } while (all && next != null);
            } catch (java.io.IOException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return 1;
            }
            // hints go to stderr: stdout stays JSON lines
            if (next != null) {
                err.println("more events follow: add --cursor " + next + " for the next page, or --all for all of them");
            } else if (events[0] == 0) {
                err.println("no events " + (from == null ? "" : "from " + from + " ") + (to == null ? "" : "before " + to + " ")
                        + (newest ? "" : "(try 'alldata scan' without --from for the newest ones)"));
            }
            err.flush();
            return 0;
        }
    }
}
