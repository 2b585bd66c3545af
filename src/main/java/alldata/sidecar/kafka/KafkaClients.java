package alldata.sidecar.kafka;

import alldata.protocol.Topics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one node's parts reach Kafka: the node they run for, the names of AllData's topics, and the
 * {@code kafka.*} client settings every producer, consumer and Streams instance starts from.
 *
 * @param nodeId         {@code node.id}
 * @param topics         the topic names ({@code topic.prefix})
 * @param clientSettings the {@code kafka.*} settings without their prefix, e.g. {@code bootstrap.servers}
 */
public record KafkaClients(String nodeId, Topics topics, Map<String, Object> clientSettings) {
    public KafkaClients {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(topics, "topics");
        clientSettings = Collections.unmodifiableMap(new LinkedHashMap<>(clientSettings));
    }

    /** A fresh, mutable copy of the client settings, for one client to add its own to. */
    public Map<String, Object> kafkaClientConfig() {
        return new LinkedHashMap<>(clientSettings);
    }
}
