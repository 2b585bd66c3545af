package alldata.sidecar.membership;

import alldata.protocol.MembershipTable;
import alldata.protocol.TopicToEnd;
import alldata.sidecar.kafka.KafkaClients;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** The membership topic read once to its end, folded into a {@link MembershipTable}. */
public final class MembershipSnapshot {
    private MembershipSnapshot() {
    }

    /**
     * Reads the whole membership topic of {@code config}; unreadable records are skipped (the agent logs them when
     * it follows the topic).
     *
     * @throws IllegalStateException when it cannot be read to its end within {@code timeout}
     */
    public static MembershipTable read(KafkaClients config, Duration timeout) {
        Map<String, Object> props = config.kafkaClientConfig();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "alldata-membership-snapshot-" + config.nodeId());
        MembershipTable[] table = {MembershipTable.empty()};
        TopicToEnd.read(props, config.topics().membership(), timeout, r -> table[0] = table[0].applyRaw(r.key(), r.value()));
        return table[0];
    }
}
