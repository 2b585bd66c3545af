package alldata.it;

import alldata.client.AllDataClient;
import alldata.core.CommitLevel;
import alldata.dev.LocalCluster;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.sidecar.Sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar that shuts down cleanly hands its coordinator partitions over at once: it leaves the
 * coordinator group instead of leaving the others to wait for its session to expire.
 */
class CleanShutdownIT {
    /** Far longer than the test waits: only an explicit leave can hand the partitions over in time. */
    private static final Map<String, String> LONG_SESSION = Map.of("kafka.session.timeout.ms", "300000");
    private static final int PARTITIONS = 6;

    @Test
    void theRemainingSidecarsTakeOverAClosedSidecarsPartitionsAtOnce(@TempDir Path dir) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dir, 0, 3, 0, 2, CommitLevel.QUORUM, PARTITIONS, LONG_SESSION);
             AllDataClient client = new AllDataClient(Map.of("bootstrap.servers", cluster.bootstrapServers()),
                     Topics.defaults(), Duration.ofSeconds(60))) {
            assertThat(putAll(client, "before")).as("puts before the shutdown").allMatch(PutOutcome::committed);

            Sidecar leaving = cluster.sidecars().get(2);
            leaving.close();

            // keyed puts cover every ingest partition, so some of them belong to the closed sidecar's tasks
            List<PutOutcome> after = putAll(client, "after");
            Set<Integer> partitions = new TreeSet<>();
            after.forEach(o -> partitions.add(o.ingest().partition()));
            assertThat(partitions).as("ingest partitions the puts went to").hasSize(PARTITIONS);
            assertThat(after).as("puts after node-3 shut down").allMatch(PutOutcome::committed)
                    .allSatisfy(o -> assertThat(o.replicas()).doesNotContain(leaving.nodeId()));
        }
    }

    private static List<PutOutcome> putAll(AllDataClient client, String run) throws Exception {
        List<CompletableFuture<PutOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] key = (run + "-" + i).getBytes(StandardCharsets.UTF_8);
            futures.add(client.put(key, ("{\"run\":\"" + run + "\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), null));
        }
        List<PutOutcome> outcomes = new ArrayList<>();
        for (CompletableFuture<PutOutcome> f : futures) {
            outcomes.add(f.get(90, TimeUnit.SECONDS));
        }
        return outcomes;
    }
}
