package alldata.dev;

import alldata.core.CommitLevel;
import alldata.core.PeerLocation;
import alldata.core.PendingPut;
import alldata.core.Placement;
import alldata.core.ReplicationStrategy;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongToIntFunction;

/**
 * {@code alldata bench-core}: a micro-benchmark of the core and the store, no Kafka: placements/s, PendingPut
 * transitions/s and durable store writes/s with one WAL sync per batch of 1, 100 and 1000 events.
 */
public final class CoreBench {
    /** One measured case and its operations per second. */
    public record Case(String name, double perSecond) {
    }

    private CoreBench() {
    }

    /**
     * Measures every case for {@code seconds} after as long a warm-up, and hands each to {@code each} as it is done.
     *
     * @param dataDir where the scratch store goes (kept), or {@code null} for a temp directory (deleted after)
     */
    public static void run(int eventSize, double seconds, Path dataDir, Consumer<Case> each) throws IOException {
        long nanos = (long) (seconds * 1e9);
        List<Placement.Candidate> peers = new ArrayList<>();
        String[] zones = {"a", "b", "c"};
        for (int i = 0; i < 9; i++) {
            peers.add(new Placement.Candidate("node-" + i, i < 3 ? PeerLocation.sameZone() : PeerLocation.zone(zones[i % 3])));
        }
        peers.add(new Placement.Candidate("far-1", PeerLocation.region("eu")));
        peers.add(new Placement.Candidate("far-2", PeerLocation.region("us")));
        ReplicationStrategy strategy = new ReplicationStrategy(3, 2, 1);

        each.accept(new Case("placements (11 peers, RF 3, strategy 2/1)", rate(nanos, i -> {
            Placement p = Placement.plan("local", "20261125T041500123-00003-" + i, peers, strategy);
            return p.replicas().size();
        })));
        Placement plan = Placement.plan("local", "k", peers, strategy);
        byte[] event = new byte[eventSize];
        each.accept(new Case("PendingPut transitions (start + 3 stored)", 4 * rate(nanos, i -> {
            PendingPut.Transition t = PendingPut.start("k" + i, event, plan, CommitLevel.QUORUM, 3, 5_000, i);
            for (String node : plan.replicas()) {
                t = t.put().stored(node, i);
            }
            return t.actions().size();
        })));

        try (ScratchDir dir = ScratchDir.of(dataDir, "alldata-bench-core");
             RocksReplicaStore store = RocksReplicaStore.open(dir.path().resolve("store"))) {
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
                each.accept(new Case("store writes, 1 WAL sync per batch of " + batch, batches * batch));
            }
        }
    }

    /** Runs {@code op} for a warm-up and then a measured period; returns operations per second. */
    private static double rate(long nanos, LongToIntFunction op) {
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
}
