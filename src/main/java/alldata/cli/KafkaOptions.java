package alldata.cli;

import alldata.protocol.KafkaReach;
import alldata.protocol.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to Kafka as a client. */
final class KafkaOptions {
    /** The variable that sets {@code --bootstrap}'s default; a sidecar reads the same one. */
    static final String BOOTSTRAP_VARIABLE = "ALLDATA_KAFKA_BOOTSTRAP_SERVERS";
    /** What a tool that cannot reach Kafka says to check. */
    static final KafkaReach.Hints HINTS = new KafkaReach.Hints("the CLI's",
            "check --bootstrap (or " + BOOTSTRAP_VARIABLE + "), and --kafka-config if the brokers require SASL or SSL",
            "check the SASL settings of --kafka-config");

    @Option(names = "--bootstrap", defaultValue = "${env:" + BOOTSTRAP_VARIABLE + ":-localhost:9092}",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of the AllData topics (default ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--kafka-config", description = "Properties file of extra Kafka client settings (security, SASL/SSL).")
    Path kafkaConfig;

    Topics topics() {
        return new Topics(topicPrefix);
    }

    /**
     * The client settings, once Kafka answered within {@code timeout}; every client made from them gives up on
     * metadata within it too.
     *
     * @throws alldata.protocol.UnreachableException naming the address and {@code --bootstrap} when Kafka does not
     *                                               answer
     */
    Map<String, Object> connect(Duration timeout) throws IOException, InterruptedException {
        Map<String, Object> config = KafkaReach.withTimeouts(clientConfig(), timeout);
        KafkaReach.check(config, timeout, HINTS);
        return config;
    }

    Map<String, Object> clientConfig() throws IOException {
        Map<String, Object> m = new HashMap<>();
        if (kafkaConfig != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(kafkaConfig, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> m.put(k.startsWith("kafka.") ? k.substring(6) : k, p.getProperty(k)));
        }
        m.put("bootstrap.servers", bootstrap);
        return m;
    }
}
