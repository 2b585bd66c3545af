package alldata.sidecar.kafka;

import alldata.protocol.Topics;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TopicAdmin} needs to create AllData's topics and size their records.
 *
 * @param bootstrapServers       {@code kafka.bootstrap.servers}, named in errors
 * @param topics                 the topic names
 * @param nodeId                 the node whose command topic is created
 * @param ingestPartitions       {@code topic.ingest.partitions} (the acks topic has as many)
 * @param resultsPartitions      {@code topic.results.partitions}
 * @param commandPartitions      {@code topic.commands.partitions}
 * @param topicReplicationFactor {@code topic.replication.factor}; empty: decided from the brokers
 * @param maxEventBytes          {@code max.event.bytes}
 * @param maxKeyBytes            {@code max.key.bytes}
 * @param maxHeaderBytes         {@code max.header.bytes}
 * @param maxCommandBatchBytes   {@code max.command.batch.bytes}
 */
public record TopicSettings(String bootstrapServers, Topics topics, String nodeId, int ingestPartitions,
                            int resultsPartitions, int commandPartitions, Optional<Short> topicReplicationFactor,
                            int maxEventBytes, int maxKeyBytes, int maxHeaderBytes, int maxCommandBatchBytes) {
    public TopicSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(topicReplicationFactor, "topicReplicationFactor");
    }
}
