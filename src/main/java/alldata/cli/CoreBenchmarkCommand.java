package alldata.cli;

import alldata.core.CommitLevel;
import alldata.core.PeerLocation;
import alldata.core.PendingPut;
import alldata.core.Placement;
import alldata.core.ReplicationStrategy;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Micro-benchmark of the core and the store, no Kafka: placements/s, PendingPut transitions/s and
 * durable store writes/s with one WAL sync per batch of 1, 100 and 1000 events.
 */
@Command(name = "bench-core", mixinStandardHelpOptions = true,
        description = {"Measure placements/s, PendingPut transitions/s and synced RocksDB",
                "writes/s (no Kafka)."})
final class CoreBenchmarkCommand implements Callable<Integer> {
    @Option(names = "--event-size", defaultValue = "200", description = "Event size in bytes (default ${DEFAULT-VALUE}).")
    int eventSize;

    @Option(names = "--seconds", defaultValue = "2", description = "Measured time per case, after as long a warm-up (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--data-dir", description = "Where to put the scratch store (default: a temp directory, deleted after).")
    Path dataDir;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        long nanos = (long) (seconds * 1e9);
        List<Placement.Candidate> peers = new ArrayList<>();
        String[] zones = {"a", "b", "c"};
        for (int i = 0; i < 9; i++) {
            peers.add(new Placement.Candidate("node-" + i, i < 3 ? PeerLocation.sameZone() : PeerLocation.zone(zones[i % 3])));
        }
        peers.add(new Placement.Candidate("far-1", PeerLocation.region("eu")));
        peers.add(new Placement.Candidate("far-2", PeerLocation.region("us")));
        ReplicationStrategy strategy = new ReplicationStrategy(3, 2, 1);

        out.printf("%-44s %15s%n", "case", "per second");
        out.printf("%-44s %,15.0f%n", "placements (11 peers, RF 3, strategy 2/1)", rate(nanos, i -> {
            Placement p = Placement.plan("local", "20261125T041500123-00003-" + i, peers, strategy);
            return p.replicas().size();
        }));
        Placement plan = Placement.plan("local", "k", peers, strategy);
        byte[] event = new byte[eventSize];
        out.printf("%-44s %,15.0f%n", "PendingPut transitions (start + 3 stored)", 4 * rate(nanos, i -> {
            PendingPut.Transition t = PendingPut.start("k" + i, event, plan, CommitLevel.QUORUM, 3, 5_000, i);
            for (String node : plan.replicas()) {
                t = t.put().stored(node, i);
            }
            return t.actions().size();
        }));

        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("alldata-bench-core");
        try (RocksReplicaStore store = RocksReplicaStore.open(dir.resolve("store"))) {
            Arrays.fill(event, (byte) 'x');
            long[] next = {0};
            for (int batch : new int[] {1, 100, 1000}) {
                double batches = rate(nanos, i -> {
                    List<ReplicaWrite> writes = new ArrayList<>(batch);
                    for (int j = 0; j < batch; j++) {
                        writes.add(new ReplicaWrite(String.format("20261125T041500123-%05d-%019d", batch, next[0]++), event, null));
                    }
                    return store.write(writes).size();
                });
                out.printf("%-44s %,15.0f%n", "store writes, 1 WAL sync per batch of " + batch, batches * batch);
            }
        } finally {
            if (dataDir == null) {
                deleteTree(dir);
            }
        }
        return 0;
    }

    /** Runs {@code op} for a warm-up and then a measured period; returns operations per second. */
    private static double rate(long nanos, java.util.function.LongToIntFunction op) {
        long sink = 0;
        long i = 0;
        for (long end = System.nanoTime() + nanos; System.nanoTime() < end; ) {
            sink += op.applyAsInt(i++);
        }
        long count = 0;
        long start = System.nanoTime();
        long stop = start + nanos;
        long now;
        do {
            sink += op.applyAsInt(i++);
            count++;
            now = System.nanoTime();
        } while (now < stop);
        if (sink == 42) {
            System.out.print(""); // keeps the JIT from discarding the work
        }
        return count / ((now - start) / 1e9);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
