package alldata.it;

import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The cluster suite on a Kafka container, where a Docker engine exists; skipped (not failed) where none
 * does, as on the development machines.
 */
@EnabledIf(value = "dockerAvailable", disabledReason = "no Docker engine: container suite skipped")
class ContainerSidecarClusterIT extends SidecarClusterSuite {
    private KafkaContainer kafka;

    /** Checked before the class starts, so that no cluster (nor its temp directory) is set up for nothing. */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    protected String bootstrapServers() {
        if (kafka == null) {
            kafka = new KafkaContainer("apache/kafka:4.1.0");
            kafka.start();
        }
        return kafka.getBootstrapServers();
    }

    @Override
    protected void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }
}
