package alldata.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded KRaft broker: produce, consume, restart with data kept, idempotent stop. */
class EmbeddedKafkaIT {
    private static final String TOPIC = "embedded-kafka-it";
    private static final int RECORDS = 100;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void producesConsumesAndKeepsRecordsAcrossRestart() throws Exception {
        long t0 = System.nanoTime();
        EmbeddedKafka kafka = EmbeddedKafka.builder(dir).haltProtection(true).start();
        long coldMs = elapsedMs(t0);
        try {
            String bootstrap = kafka.bootstrapServers();
            assertThat(bootstrap).matches("localhost:\\d+").isNotEqualTo("localhost:0");
            assertThat(kafka.isRunning()).isTrue();
            assertThat(dir.resolve("metadata/meta.properties")).exists();
            assertThat(Files.readString(dir.resolve(EmbeddedKafka.CLUSTER_ID_FILE)).strip()).isEqualTo(kafka.clusterId());

            try (Admin admin = admin(bootstrap)) {
                assertThat(admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS)).isEqualTo(kafka.clusterId());
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }

            Map<String, String> sent = produce(bootstrap);
            assertThat(consumeAll(bootstrap, "it-group-1")).isEqualTo(sent);

            t0 = System.nanoTime();
            kafka.restart();
            long restartMs = elapsedMs(t0);
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);

            try (Admin admin = admin(bootstrap)) {
                TopicDescription d = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC);
                assertThat(d.partitions()).hasSize(3);
            }
            assertThat(consumeAll(bootstrap, "it-group-2")).isEqualTo(sent);

            System.out.printf("EmbeddedKafkaIT: cold start %d ms, restart (stop + warm start) %d ms%n", coldMs, restartMs);
        } finally {
            kafka.stop();
        }
        assertThat(kafka.isRunning()).isFalse();
        assertThatCode(kafka::stop).doesNotThrowAnyException();
        assertThatCode(kafka::close).doesNotThrowAnyException();
    }

    private static Map<String, String> produce(String bootstrap) throws Exception {
        Map<String, String> sent = new TreeMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                String key = String.format("key-%03d", i);
                String value = "value-" + i;
                sent.put(key, value);
                acks.add(producer.send(new ProducerRecord<>(TOPIC, key, value)));
            }
            producer.flush();
            Set<Integer> partitions = new HashSet<>();
            for (Future<RecordMetadata> ack : acks) {
                partitions.add(ack.get(30, TimeUnit.SECONDS).partition());
            }
            assertThat(partitions).as("keys spread over the partitions").hasSizeGreaterThan(1);
        }
        return sent;
    }

    /** Reads {@link #TOPIC} from the beginning as a new group until {@link #RECORDS} records (or 30 s). */
    private static Map<String, String> consumeAll(String bootstrap, String group) {
        Map<String, String> received = new TreeMap<>();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        int count = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC));
            while (count < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    received.put(r.key(), r.value());
                    count++;
                }
            }
        }
        assertThat(count).as("records consumed by %s (duplicates included)", group).isEqualTo(RECORDS);
        return received;
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static long elapsedMs(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
