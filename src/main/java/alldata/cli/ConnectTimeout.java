package alldata.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --connect-timeout}: {@link ReachTimeout} for the tools whose {@code --timeout} already bounds something
 * longer (waiting for outcomes, for a decommission), so reaching Kafka has its own, shorter bound.
 */
final class ConnectTimeout {
    @Option(names = "--connect-timeout", defaultValue = "15s", converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How long to wait for Kafka to answer before giving up (default ${DEFAULT-VALUE}).")
    Duration value;
}
