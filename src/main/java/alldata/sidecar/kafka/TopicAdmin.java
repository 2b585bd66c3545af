package alldata.sidecar.kafka;

import alldata.core.Clock;
import alldata.protocol.KafkaReach;
import alldata.protocol.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates AllData's topics when missing and checks what the coordinator depends on. */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /**
     * Topic settings that let a record carry any timestamp. A dead letter keeps its ingest record's timestamp,
     * and so does the coordinator's changelog entry of a put (Streams writes it with the record's time); Kafka 4
     * refuses timestamps more than an hour ahead by default, so an ingest topic set to accept them
     * ({@code message.timestamp.after.max.ms}) would otherwise turn one such record into a send failure that kills
     * the coordinator's stream thread on every retry, stalling its partition.
     */
    public static final Map<String, String> ANY_TIMESTAMP = Map.of(
            TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Long.toString(Long.MAX_VALUE),
            TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, Long.toString(Long.MAX_VALUE));

    /** Room for what AllData adds around the user's bytes: keys, plans, headers, record overhead. */
    private static final int ENVELOPE_BYTES = 64 * 1024;

    /**
     * Largest ingest record the ingest topic takes: a maximal event with a maximal key and headers. Bigger
     * records are refused by the broker to their producer; records within it but over a limit are
     * rejected by the coordinator with a FAILED outcome and a dead letter.
     */
    public static int ingestRecordMaxBytes(TopicSettings config) {
        return config.maxEventBytes() + config.maxKeyBytes() + config.maxHeaderBytes() + ENVELOPE_BYTES;
    }

    /** Largest dead letter: any ingest record, plus the headers that say why it was rejected. */
    public static int deadLetterMaxBytes(TopicSettings config) {
        return ingestRecordMaxBytes(config) + ENVELOPE_BYTES;
    }

    /** Largest command record: a full batch plus the one put that crossed the batch cap. */
    public static int commandRecordMaxBytes(TopicSettings config) {
        return config.maxCommandBatchBytes() + config.maxEventBytes() + ENVELOPE_BYTES;
    }

    /** Largest pending-put record in the coordinator's changelog: a maximal event and correlation id. */
    public static int changelogRecordMaxBytes(TopicSettings config) {
        return ingestRecordMaxBytes(config);
    }

    /** Largest outcome: bounded correlation id and reason, a few node ids. */
    public static int resultRecordMaxBytes(TopicSettings config) {
        return config.maxKeyBytes() + config.maxHeaderBytes() + ENVELOPE_BYTES;
    }

    /** Largest request a sidecar's producers send: the largest of the records above. */
    public static int maxRequestBytes(TopicSettings config) {
        return Math.max(deadLetterMaxBytes(config), commandRecordMaxBytes(config)) + ENVELOPE_BYTES;
    }

    /**
     * Creates the shared topics and this node's command topic when they are missing, then checks that
     * the ingest and ack topics have the same partition count.
     *
     * @return how the topics it creates are replicated (Streams' changelog is to be created alike)
     * @throws IllegalStateException naming the topic to fix when they differ
     */
    public static TopicReplication ensureTopics(Admin admin, TopicSettings config) throws InterruptedException {
        int brokers = checkReachable(admin, config);
        TopicReplication replication = TopicReplication.decide(config.topicReplicationFactor(), brokers);
        replication.warning().ifPresentOrElse(log::warn, () -> log.info("topics are created with {}", replication));
        Topics t = config.topics();
        short rf = replication.replicationFactor();
        // with acks=all a write waits for this many replicas: a lost broker neither loses it nor stops writes
        Map<String, String> minIsr = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                Short.toString(replication.minInsyncReplicas()));
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(t.ingest(), config.ingestPartitions(), rf)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(ingestRecordMaxBytes(config)))));
        // acks (and the coordinators' clock markers) matter only until read: keep them a day, not a week
        wanted.add(new NewTopic(t.acks(), config.ingestPartitions(), rf)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(1)))));
        wanted.add(new NewTopic(t.results(), config.resultsPartitions(), rf)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(resultRecordMaxBytes(config)))));
        wanted.add(new NewTopic(t.membership(), 1, rf)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        Map<String, String> deadLetterConfig = new HashMap<>(ANY_TIMESTAMP);
        deadLetterConfig.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(deadLetterMaxBytes(config)));
        wanted.add(new NewTopic(t.deadLetter(), 1, rf).configs(deadLetterConfig));
        wanted.add(new NewTopic(t.commands(config.nodeId()), config.commandPartitions(), rf)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(commandRecordMaxBytes(config)))));
        for (NewTopic wantedTopic : wanted) {
            Map<String, String> topicConfig = new HashMap<>(wantedTopic.configs() == null ? Map.of() : wantedTopic.configs());
            topicConfig.putAll(minIsr);
            NewTopic topic = new NewTopic(wantedTopic.name(), wantedTopic.numPartitions(), rf).configs(topicConfig);
            try {
                admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
                log.info("created topic {} ({} partitions)", topic.name(), topic.numPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Kafka at " + config.bootstrapServers()
                        + " did not answer within 60 s while creating topic " + topic.name(), e);
            }
        }
        checkCoPartitioned(admin, t);
        awaitLeaders(admin, t.commands(config.nodeId()));
        return replication;
    }

    /** What a sidecar that cannot reach Kafka at start says to check. */
    private static final KafkaReach.Hints HINTS = new KafkaReach.Hints("this sidecar's",
            "check kafka.bootstrap.servers, and if the brokers require SASL or SSL set kafka.security.protocol,"
                    + " kafka.sasl.mechanism and kafka.sasl.jaas.config",
            "check kafka.sasl.mechanism and kafka.sasl.jaas.config");

    /**
     * Fails fast, with what to fix, when Kafka cannot be reached within {@link KafkaReach#DEFAULT_TIMEOUT} or
     * refuses the sidecar's credentials (instead of hanging in retries).
     */
    static int checkReachable(Admin admin, TopicSettings config) throws InterruptedException {
        return KafkaReach.check(admin, config.bootstrapServers(), KafkaReach.DEFAULT_TIMEOUT, HINTS);
    }

    static void checkCoPartitioned(Admin admin, Topics t) throws InterruptedException {
        Map<String, TopicDescription> d = describe(admin, List.of(t.ingest(), t.acks()));
        int ingest = d.get(t.ingest()).partitions().size();
        int acks = d.get(t.acks()).partitions().size();
        if (ingest != acks) {
            throw new IllegalStateException("topic " + t.acks() + " has " + acks + " partitions but " + t.ingest()
                    + " has " + ingest + ": the coordinator needs them co-partitioned; recreate " + t.acks()
                    + " with " + ingest + " partitions");
        }
    }

    /**
     * Waits until every partition of {@code topic} has a leader. The node announces itself to its peers only
     * after this: coordinators then send it commands at once, and transactional producers writing to a
     * partition whose first leader election is still running were seen to fail their transaction.
     */
    static void awaitLeaders(Admin admin, String topic) throws InterruptedException {
        long deadline = Clock.SYSTEM.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            TopicDescription d = describe(admin, List.of(topic)).get(topic);
            if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            if (Clock.SYSTEM.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " has partitions without a leader after 60 s");
            }
            Thread.sleep(50);
        }
    }

    /** Describes topics, retrying while a just-created topic has not reached the broker's metadata yet. */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> topics) throws InterruptedException {
        long deadline = Clock.SYSTEM.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || Clock.SYSTEM.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot describe topics " + topics + ": " + e.getCause().getMessage(), e);
                }
                Thread.sleep(100);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot describe topics " + topics + ": no answer within 60 s", e);
            }
        }
    }
}
