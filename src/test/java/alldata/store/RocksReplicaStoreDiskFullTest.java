package alldata.store;

import alldata.protocol.ReplicaMeta;
import alldata.testing.Tmpfs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store on a disk that really fills up: clear errors, nothing half-written, works again when reopened after the disk has room. */
class RocksReplicaStoreDiskFullTest {
    @TempDir
    Path dir;

    private static List<ReplicaWrite> batch(String prefix, int n) {
        List<ReplicaWrite> writes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            writes.add(new ReplicaWrite(prefix + i, ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(500) + "\"}")
                    .getBytes(StandardCharsets.UTF_8), new ReplicaMeta(List.of("node-1"), "node-1", 1, 0)));
        }
        return writes;
    }

    @Test
    void fullDiskFailsWritesWithTheReasonAndWorksAgainAfterReopen() throws Exception {
        Path mount = dir.resolve("replicas");
        try (Tmpfs disk = Tmpfs.mount(mount, 16)) {
            try (RocksReplicaStore store = RocksReplicaStore.open(mount)) {
                assertThat(store.write(batch("before-", 10))).containsOnly(WriteOutcome.STORED);
                assertThat(store.writeFailure()).isEmpty();

                disk.fill();
                assertThatThrownBy(() -> store.write(batch("full-", 200)))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("No space left");
                assertThat(store.writeFailure()).hasValueSatisfying(m -> assertThat(m).contains("No space left"));
                assertThat(store.get("full-0")).as("a failed batch stores nothing").isEmpty();
                assertThat(store.get("before-3")).as("earlier replicas stay readable").isPresent();
                // the group-commit path fails its futures rather than hanging
                assertThat(store.put(batch("queued-", 1).get(0))).failsWithin(java.time.Duration.ofSeconds(30));

                assertThatThrownBy(() -> store.write(batch("still-", 1))).as("refused until reopened")
                        .isInstanceOf(StoreException.class);
            }
            disk.free();
            try (RocksReplicaStore store = RocksReplicaStore.open(mount)) {
                assertThat(store.write(batch("full-", 200))).containsOnly(WriteOutcome.STORED);
                assertThat(store.writeFailure()).isEmpty();
                assertThat(store.get("before-9")).isPresent();
            }
        }
    }
}
