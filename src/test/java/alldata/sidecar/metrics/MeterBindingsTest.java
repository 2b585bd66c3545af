package alldata.sidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding and unbinding the sidecar's meters, on real (unconnected) Kafka clients and a real store. */
class MeterBindingsTest {
    // the clients are made but never started: nothing listens on this port
    private static final String NOWHERE = "localhost:1";

    @TempDir
    Path dir;

    private static Set<String> names(MeterRegistry registry) {
        return registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet());
    }

    @Test
    void bindsJvmKafkaStreamsAndStoreMetersAndUnbindsThemOnClose() {
        SidecarMetrics metrics = new SidecarMetrics("node-1");
        MeterRegistry registry = metrics.registry();
        Set<Meter.Id> own = registry.getMeters().stream().map(Meter::getId).collect(Collectors.toSet());
        StreamsBuilder topology = new StreamsBuilder();
        topology.stream("in").to("out");
        try (RocksReplicaStore store = RocksReplicaStore.open(dir.resolve("store"));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", NOWHERE,
                     "client.id", "p"), new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", NOWHERE,
                     ConsumerConfig.GROUP_ID_CONFIG, "g", "client.id", "c"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaStreams streams = new KafkaStreams(topology.build(), new java.util.Properties() {{
                 put(StreamsConfig.APPLICATION_ID_CONFIG, "meters-test");
                 put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, NOWHERE);
                 put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
             }})) {
            store.write(List.of(new ReplicaWrite("k", "{}".getBytes(StandardCharsets.UTF_8), null)));
            MeterBindings bindings = new MeterBindings(registry, "node-1");
            bindings.bindJvm();
            bindings.bindKafkaClient(producer);
            bindings.bindKafkaClient(consumer);
            bindings.bindKafkaStreams(streams);
            bindings.bind(new StoreMeters(store.statistics()));
            bindings.bind(new ConsumerLag("alldata.replica.commands.lag", "test", consumer::metrics, "alldata.node.node-1.commands"));

            assertThat(names(registry)).contains("jvm.memory.used", "jvm.gc.memory.allocated", "jvm.threads.live",
                    "jvm.classes.loaded", "system.cpu.count", "alldata.store.written", "alldata.store.wal.syncs",
                    "alldata.store.write.stall", "alldata.store.block.cache.hits", "alldata.store.compaction.pending",
                    "alldata.replica.commands.lag");
            assertThat(names(registry)).anyMatch(n -> n.startsWith("kafka.producer."))
                    .anyMatch(n -> n.startsWith("kafka.consumer."))
                    .anyMatch(n -> n.startsWith("kafka.stream."));
            assertThat(registry.get("alldata.store.wal.syncs").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("alldata.replica.commands.lag").gauge().value()).isZero(); // nothing assigned
            // the whole set renders as Prometheus text (no name clashes between binders)
            assertThat(metrics.scrape()).contains("jvm_memory_used_bytes{", "alldata_store_wal_syncs_total{",
                    "alldata_store_written_bytes_total{", "alldata_replica_commands_lag_records{");

            bindings.close();
            assertThat(registry.getMeters().stream().map(Meter::getId).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrderElementsOf(own);
            bindings.close(); // twice is harmless
        }
    }

    /** The GC binder registers a pause timer at the first GC of each kind, the Kafka binders at each refresh. */
    @Test
    void aMeterABinderRegistersAfterBindingIsRemovedOnCloseToo() {
        SidecarMetrics metrics = new SidecarMetrics("node-1");
        MeterRegistry registry = metrics.registry();
        Set<Meter.Id> own = registry.getMeters().stream().map(Meter::getId).collect(Collectors.toSet());
        MeterBindings bindings = new MeterBindings(registry, "node-1");
        java.util.concurrent.atomic.AtomicReference<MeterRegistry> boundTo = new java.util.concurrent.atomic.AtomicReference<>();
        bindings.bind(boundTo::set); // registers nothing yet
        io.micrometer.core.instrument.Counter.builder("jvm.gc.late").register(boundTo.get());

        bindings.close();

        assertThat(registry.getMeters().stream().map(Meter::getId).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(own);
    }
}
