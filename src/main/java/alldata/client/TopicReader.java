package alldata.client;

import alldata.protocol.TopicToEnd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a whole topic, from the beginning to the end it has when the read starts, with no consumer group.
 * Reads {@code read_committed} unless told otherwise: outcomes are published in transactions, and the
 * records of an aborted transaction never happened.
 */
public final class TopicReader {
    private TopicReader() {
    }

    /**
     * @param config  Kafka client settings (bootstrap servers, security)
     * @param topic   the topic
     * @param timeout how long the whole read may take
     * @throws IllegalStateException when the topic does not exist or cannot be read to its end in time
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(Map<String, Object> config, String topic, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<String, Object> settings = new HashMap<>(config);
        settings.putIfAbsent("isolation.level", "read_committed");
        if (TopicToEnd.read(settings, topic, timeout, out::add) == 0) {
            throw new IllegalStateException("topic " + topic + " does not exist at " + config.get("bootstrap.servers"));
        }
        return out;
    }
}
