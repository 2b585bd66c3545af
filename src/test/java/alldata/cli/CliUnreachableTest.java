package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tool that talks to Kafka or to a node's HTTP API gives up on an address where nothing answers (a closed
 * port, a name that does not resolve) within its bound, with exit code 1 and one line that names the address and
 * the option that sets it. The bounds are short here (2 s); the tests check what is said, not how long it took.
 */
class CliUnreachableTest {
    /** Nothing listens on port 1 of this machine. */
    private static final String CLOSED_KAFKA = "localhost:1";
    private static final String CLOSED_HTTP = "127.0.0.1:1";
    /** {@code .invalid} never resolves (RFC 2606). */
    private static final String NO_SUCH_HOST = "nosuchhost.invalid";

    @TempDir
    Path dir;

    /** Each Kafka tool's arguments, with its bound set to 2 s; {@code EVENTS} stands for a file of one event. */
    static Stream<List<String>> kafkaTools() {
        return Stream.of(
                List.of("verify", "--timeout", "2s"),
                List.of("peers", "--timeout", "2s"),
                List.of("peers", "drop", "node-9", "--timeout", "2s"),
                List.of("tail", "results", "--timeout", "2s"),
                List.of("repair", "status", "--timeout", "2s"),
                List.of("repair", "check", "--from", "20261125", "--to", "20261126", "--timeout", "2s"),
                List.of("decommission", "node-1", "--connect-timeout", "2s"),
                List.of("put", "--file", "EVENTS", "--connect-timeout", "2s"));
    }

    static Stream<Arguments> kafkaToolsAndAddresses() {
        return kafkaTools().flatMap(tool -> Stream.of(Arguments.of(CLOSED_KAFKA, tool),
                Arguments.of(NO_SUCH_HOST + ":9092", tool)));
    }

    /** Each HTTP tool's arguments, with its bound set to 2 s; {@code OUT} stands for an export directory. */
    static Stream<List<String>> httpTools() {
        return Stream.of(
                List.of("get", "20261125T000000000-0-0", "--timeout", "2s"),
                List.of("scan", "--timeout", "2s"),
                List.of("scan", "--from", "20261125", "--all", "--timeout", "2s"),
                List.of("export", "--from", "20261125", "--to", "20261126", "--out", "OUT", "--timeout", "2s"));
    }

    static Stream<Arguments> httpToolsAndAddresses() {
        return httpTools().flatMap(tool -> Stream.of(
                Arguments.of(CLOSED_HTTP, "http://" + CLOSED_HTTP + ": connection refused", tool),
                Arguments.of(NO_SUCH_HOST + ":8081", "http://" + NO_SUCH_HOST + ":8081: unknown host " + NO_SUCH_HOST, tool),
                Arguments.of("https://" + CLOSED_HTTP, "https://" + CLOSED_HTTP + ": connection refused", tool)));
    }

    private List<String> withPaths(List<String> tool) throws Exception {
        List<String> args = new ArrayList<>();
        for (String a : tool) {
            args.add(switch (a) {
                case "EVENTS" -> Files.writeString(dir.resolve("events.jsonl"), "{\"a\":1}\n").toString();
                case "OUT" -> dir.resolve("out").toString();
                default -> a;
            });
        }
        return args;
    }

    private static CliRun run(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertOneLineError(CliRun r) {
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @ParameterizedTest(name = "{1} at {0}")
    @MethodSource("kafkaToolsAndAddresses")
    void aKafkaToolNamesTheAddressAndTheOptionThatSetsIt(String address, List<String> tool) throws Exception {
        List<String> args = withPaths(tool);
        args.addAll(List.of("--bootstrap", address));
        CliRun r = run(args);
        assertOneLineError(r);
        assertThat(r.err()).startsWith("error: cannot reach Kafka at " + address)
                .contains("check --bootstrap (or ALLDATA_KAFKA_BOOTSTRAP_SERVERS)");
        if (address.equals(CLOSED_KAFKA)) {
            assertThat(r.err()).contains("within 2 s"); // the bound it was given
        } else {
            assertThat(r.err()).contains("no bootstrap server's host name resolves");
        }
    }

    @ParameterizedTest(name = "{2} at {0}")
    @MethodSource("httpToolsAndAddresses")
    void anHttpToolNamesTheAddressWhyAndTheOptionThatSetsIt(String address, String said, List<String> tool)
            throws Exception {
        List<String> args = withPaths(tool);
        args.addAll(List.of("--http", address));
        CliRun r = run(args);
        assertOneLineError(r);
        assertThat(r.err().strip()).isEqualTo("error: cannot reach the sidecar's HTTP API at " + said + "; check --http");
        assertThat(dir.resolve("out")).doesNotExist(); // an export that reached nothing wrote nothing
    }

    @Test
    void benchChecksAnExternalKafkaBeforeStartingSidecars() {
        CliRun r = CliRun.of("bench", "--bootstrap", NO_SUCH_HOST + ":9092", "--events", "1", "--data-dir",
                dir.resolve("bench").toString());
        assertOneLineError(r);
        assertThat(r.err()).startsWith("error: cannot reach Kafka at " + NO_SUCH_HOST + ":9092").contains("check --bootstrap");
        assertThat(dir.resolve("bench")).doesNotExist();
    }

    @Test
    void badUsageIsRefusedBeforeKafkaIsAsked() {
        CliRun unknown = CliRun.of("peers", "frob", "--bootstrap", CLOSED_KAFKA, "--timeout", "2s");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown action 'frob'").doesNotContain("cannot reach");
        CliRun noId = CliRun.of("peers", "drop", "--bootstrap", CLOSED_KAFKA, "--timeout", "2s");
        assertThat(noId.code()).isEqualTo(2);
        assertThat(noId.err()).contains("needs the node id").doesNotContain("cannot reach");
    }

    @Test
    void everyToolThatTalksToAClusterHasATimeoutOption() {
        for (List<String> tool : Stream.concat(kafkaTools(), httpTools()).toList()) {
            assertThat(tool).as("covered here with a short bound").containsAnyOf("--timeout", "--connect-timeout");
        }
        for (String command : List.of("verify", "peers", "tail", "get", "scan", "export")) {
            CliRun help = CliRun.of(command, "--help");
            assertThat(help.out()).as(command).contains("--timeout=").contains("(default 15s)");
        }
        for (String command : List.of("put", "decommission")) {
            assertThat(CliRun.of(command, "--help").out()).as(command).contains("--connect-timeout=").contains("(default 15s)");
        }
        assertThat(CliRun.of("repair", "status", "--help").out()).contains("--timeout=").contains("(default 15s)");
    }
}
