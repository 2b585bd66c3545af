package alldata.cli;

import alldata.protocol.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to Kafka as a client. */
final class KafkaOptions {
    @Option(names = "--bootstrap", defaultValue = "${env:ALLDATA_KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
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
