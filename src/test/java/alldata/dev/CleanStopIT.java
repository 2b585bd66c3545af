package alldata.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import alldata.client.AllDataClient;
import alldata.client.TopicReader;
import alldata.core.CommitLevel;
import alldata.protocol.OutcomeJson;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop of a whole local cluster under load, the way Ctrl-C stops {@code dev}: the load stops sending, the
 * puts in flight get their outcomes, then every node stops at once. No put FAILS, and every ingest record has
 * exactly one outcome. Stopping the nodes one by one instead left the last one alone with every partition and
 * puts whose replicas were gone (477 FAILED in one run of {@code dev --demo}).
 */
class CleanStopIT {
    private static final int WINDOW = 1_000;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void ctrlCUnderLoadFailsNothingAndLeavesOneOutcomePerRecord(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        try {
            String bootstrap = kafka.bootstrapServers();
            LocalCluster cluster = LocalCluster.startOn(bootstrap, dir, 3, 0, 3, CommitLevel.QUORUM, 6, Map.of());
            List<String> said = new CopyOnWriteArrayList<>();
            LoadResult result;
            long left;
            try (AllDataClient client = new AllDataClient(Map.of("bootstrap.servers", bootstrap), Topics.defaults(),
                    Duration.ofSeconds(120))) {
                WindowedPuts load = new WindowedPuts(client, WINDOW);
                CompletableFuture<LoadResult> run = CompletableFuture.supplyAsync(() -> {
                    try {
                        return load.run(Integer.MAX_VALUE, CleanStopIT::event, (o, e) -> { }, Duration.ofMinutes(2));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // under load: a full window in flight
                await().atMost(Duration.ofSeconds(90)).until(() -> load.committed() >= 3L * WINDOW);

                left = cluster.stopCleanly(List.of(load), Duration.ofSeconds(30), said::add);

                result = run.get(60, TimeUnit.SECONDS);
            }
            said.forEach(line -> System.out.println("stop: " + line));
            assertThat(left).as("puts in flight when the nodes stopped; the stop said %s", said).isZero();
            assertThat(said).anyMatch(s -> s.startsWith("waiting for ") || s.equals("no puts in flight"));
            assertThat(result.failed()).as("FAILED outcomes the load saw").isZero();
            assertThat(result.succeeded()).isEqualTo(result.events());

            Map<String, Object> config = Map.of("bootstrap.servers", bootstrap);
            List<ConsumerRecord<byte[], byte[]>> ingest = TopicReader.readToEnd(config, Topics.defaults().ingest(),
                    Duration.ofSeconds(30));
            List<PutOutcome> outcomes = new ArrayList<>();
            TopicReader.readToEnd(config, Topics.defaults().results(), Duration.ofSeconds(30))
                    .forEach(r -> outcomes.add(OutcomeJson.decode(r.value())));
            Map<PutOutcome.IngestPosition, Integer> perRecord = new HashMap<>();
            outcomes.forEach(o -> perRecord.merge(o.ingest(), 1, Integer::sum));
            assertThat(ingest).hasSize(result.events());
            assertThat(outcomes).as("outcomes").noneMatch(o -> o.status() == PutOutcome.Status.FAILED);
            assertThat(perRecord).as("ingest records with an outcome").hasSize(ingest.size());
            assertThat(perRecord.values()).as("outcomes per ingest record").allMatch(n -> n == 1);
        } finally {
            kafka.close();
        }
    }

    private static byte[] event(int i) {
        return ("{\"i\":" + i + ",\"note\":\"clean stop\"}").getBytes(StandardCharsets.UTF_8);
    }
}
