package alldata.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code alldata get} and {@code alldata scan}: reads from a node's HTTP API. */
final class HttpReadCommands {
    private HttpReadCommands() {
    }

    static String fetch(PrintWriter err, String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (r.statusCode() != 200) {
            err.println("error: HTTP " + r.statusCode() + ": " + body.strip());
            err.flush();
            return null;
        }
        return body;
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Print the event stored under KEY on a node (exact bytes).", "Exit code: 0 found, 1 not found or error."})
    static final class Get implements Callable<Integer> {
        @Parameters(paramLabel = "KEY", description = "The AllData key.")
        String key;

        @Option(names = "--http", defaultValue = "localhost:8081", description = "The node's HTTP address (default ${DEFAULT-VALUE}).")
        String http;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String body = fetch(spec.commandLine().getErr(),
                    "http://" + http + "/events/" + URLEncoder.encode(key, StandardCharsets.UTF_8));
            if (body == null) {
                return 1;
            }
            spec.commandLine().getOut().println(body);
            return 0;
        }
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = {"Print events of a node as JSON lines, in key (time) order.",
                    "With --from: the first --limit events with FROM <= key < TO.",
                    "Without --from: the newest --limit events (before TO, if given).",
                    "Keys start with the UTC time, yyyyMMdd'T'HHmmssSSS, so any prefix of it",
                    "is a bound: --from $(date -u +%%Y%%m%%d) is today, 20261125T04 an hour."})
    static final class Scan implements Callable<Integer> {
        /** Events shown without {@code --from} unless {@code --limit} says otherwise: a screenful. */
        static final int NEWEST_LIMIT = 10;
        static final int RANGE_LIMIT = 1000;

        @Option(names = "--from", description = "First key or time prefix to include.")
        String from;

        @Option(names = "--to", description = "First key or time prefix to exclude.")
        String to;

        @Option(names = "--limit", description = {"At most this many events", "(default " + RANGE_LIMIT + ", or "
                + NEWEST_LIMIT + " without --from)."})
        Integer limit;

        @Option(names = "--http", defaultValue = "localhost:8081", description = "The node's HTTP address (default ${DEFAULT-VALUE}).")
        String http;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (from != null && to != null && from.compareTo(to) > 0) {
                throw new IllegalArgumentException("--from " + from + " is after --to " + to
                        + ": no key can match (the range is FROM <= key < TO)");
            }
            boolean newest = from == null;
            int n = limit != null ? limit : newest ? NEWEST_LIMIT : RANGE_LIMIT;
            StringBuilder url = new StringBuilder("http://").append(http).append("/events?limit=").append(n);
            if (newest) {
                url.append("&newest=true");
            } else {
                url.append("&from=").append(URLEncoder.encode(from, StandardCharsets.UTF_8));
            }
            if (to != null) {
                url.append("&to=").append(URLEncoder.encode(to, StandardCharsets.UTF_8));
            }
            PrintWriter err = spec.commandLine().getErr();
            String body = fetch(err, url.toString());
            if (body == null) {
                return 1;
            }
            spec.commandLine().getOut().print(body);
            spec.commandLine().getOut().flush();
            if (body.isEmpty()) {
                // the hint goes to stderr: stdout stays JSON lines
                err.println("no events " + (newest ? "" : "from " + from + " ") + (to == null ? "" : "before " + to + " ")
                        + "on " + http + (newest ? "" : " (try 'alldata scan' without --from for the newest ones)"));
                err.flush();
            }
            return 0;
        }
    }
}
