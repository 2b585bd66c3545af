package alldata.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --timeout}: how long a tool waits for Kafka to answer before it says it cannot reach it; 15 s by default,
 * as a sidecar at start ({@link alldata.protocol.KafkaReach#DEFAULT_TIMEOUT}).
 */
final class ReachTimeout {
    @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait for Kafka to answer before giving up (default ${DEFAULT-VALUE}).")
    Duration value;
}
