package alldata.sidecar.membership;

import alldata.protocol.Topics;
import alldata.sidecar.kafka.KafkaClients;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@link MembershipAgent} announces and how often.
 *
 * @param kafka       the node, its topics and the {@code kafka.*} client settings
 * @param zone        {@code zone}
 * @param region      {@code region}
 * @param https       whether the node's HTTP API is served over TLS ({@code http.tls.keystore.path} is set)
 * @param heartbeatMs {@code membership.heartbeat.ms}
 */
public record MembershipSettings(KafkaClients kafka, String zone, String region, boolean https, long heartbeatMs) {
    public MembershipSettings {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(region, "region");
    }

    String nodeId() {
        return kafka.nodeId();
    }

    Topics topics() {
        return kafka.topics();
    }

    Map<String, Object> kafkaClientConfig() {
        return kafka.kafkaClientConfig();
    }
}
