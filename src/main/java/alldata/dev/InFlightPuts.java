package alldata.dev;

import alldata.protocol.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many ingest records have no outcome yet: the records the coordinators have not read and committed (the
 * ingest topic's end offsets minus the coordinator group's committed offsets) plus the puts their tasks hold in
 * flight (a put leaves that count only once it is done and its outcome is published). When both are 0 and nothing
 * is produced any more, every ingest record has its outcome: this is what a clean stop waits for.
 */
final class InFlightPuts implements AutoCloseable {
    /** One measurement. */
    record Count(long unread, long pending) {
        long total() {
            return unread + pending;
        }

        @Override
        public String toString() {
            return total() + " in-flight put" + (total() == 1 ? "" : "s") + " (" + unread + " not read yet, " + pending
                    + " awaiting replicas)";
        }
    }

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final Topics topics;
    private final LongSupplier pending;

    /**
     * @param kafkaConfig the admin client's settings (bootstrap servers, security)
     * @param pending     puts in flight over every coordinator of the cluster
     */
    InFlightPuts(Map<String, Object> kafkaConfig, Topics topics, LongSupplier pending) {
        this.admin = Admin.create(kafkaConfig);
        this.topics = topics;
        this.pending = pending;
    }

    /** Measures now. The pending count is read after the offsets: a record read in between is then counted there. */
    Count count() throws InterruptedException, ExecutionException, TimeoutException {
        long unread = unread();
        return new Count(unread, pending.getAsLong());
    }

    private long unread() throws InterruptedException, ExecutionException, TimeoutException {
        String ingest = topics.ingest();
        List<TopicPartition> partitions = admin.describeTopics(List.of(ingest)).allTopicNames()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(ingest).partitions().stream()
                .map(p -> new TopicPartition(ingest, p.partition())).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        partitions.forEach(tp -> {
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        });
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin
                .listConsumerGroupOffsets(topics.coordinatorApplicationId()).partitionsToOffsetAndMetadata()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long unread = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            // a partition the group never committed is unread from its first record on
            long position = c != null ? c.offset() : starts.get(tp).offset();
            unread += Math.max(0, ends.get(tp).offset() - position);
        }
        return unread;
    }

    @Override
    public void close() {
        admin.close(ASK_TIMEOUT);
    }
}
