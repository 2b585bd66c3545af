package alldata.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The cluster suite on a Kafka container, where a Docker engine exists; skipped (not failed) where none
 * does, as on the development machines.
 */
class ContainerSidecarClusterIT extends SidecarClusterSuite {
    private KafkaContainer kafka;

    @Override
    protected String bootstrapServers() {
        if (kafka == null) {
            assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine: container suite skipped");
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
