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
            description = "Print the events with FROM <= key < TO on a node, in key (time) order, as JSON lines.")
    static final class Scan implements Callable<Integer> {
        @Option(names = "--from", description = "First key or time prefix to include, e.g. 20261125T04.")
        String from;

        @Option(names = "--to", description = "First key or time prefix to exclude.")
        String to;

        @Option(names = "--limit", defaultValue = "1000", description = "At most this many events (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--http", defaultValue = "localhost:8081", description = "The node's HTTP address (default ${DEFAULT-VALUE}).")
        String http;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            StringBuilder url = new StringBuilder("http://").append(http).append("/events?limit=").append(limit);
            if (from != null) {
                url.append("&from=").append(URLEncoder.encode(from, StandardCharsets.UTF_8));
            }
            if (to != null) {
                url.append("&to=").append(URLEncoder.encode(to, StandardCharsets.UTF_8));
            }
            String body = fetch(spec.commandLine().getErr(), url.toString());
            if (body == null) {
                return 1;
            }
            spec.commandLine().getOut().print(body);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
