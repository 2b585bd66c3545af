package alldata.sidecar.coordinator;

import alldata.sidecar.kafka.KafkaClients;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings of the coordinator's Kafka Streams instance ({@link CoordinatorTopology#streamsConfig}).
 *
 * @param kafka               the node, its topics and the {@code kafka.*} client settings
 * @param dataDir             {@code data.dir}; Streams keeps its state under {@code streams/}
 * @param processingGuarantee {@code processing.guarantee}
 * @param streamThreads       {@code stream.threads}
 * @param commitIntervalMs    {@code commit.interval.ms}
 * @param maxRequestBytes     the largest produce request: the largest command batch or dead letter must fit
 */
public record StreamsSettings(KafkaClients kafka, Path dataDir, String processingGuarantee, int streamThreads,
                              long commitIntervalMs, int maxRequestBytes) {
    public StreamsSettings {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(processingGuarantee, "processingGuarantee");
    }
}
