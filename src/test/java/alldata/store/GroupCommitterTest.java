package alldata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Group commit without RocksDB: what is queued meanwhile goes into one batch, and each caller gets its own answer. */
class GroupCommitterTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static List<ReplicaWrite> writes(String prefix, int n) {
        List<ReplicaWrite> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ReplicaWrite(prefix + "-" + i, prefix.getBytes(StandardCharsets.UTF_8), null));
        }
        return out;
    }

    /** A batch writer whose outcome of a write follows from its key alone, so that a mix-up shows. */
    private static WriteOutcome outcomeOf(ReplicaWrite w) {
        return WriteOutcome.values()[Math.floorMod(w.key().hashCode(), WriteOutcome.values().length)];
    }

    /** Records each batch it is given, and waits for {@code release} before answering the first one. */
    private static final class BlockingWriter implements Function<List<ReplicaWrite>, List<WriteOutcome>> {
        final List<List<ReplicaWrite>> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public List<WriteOutcome> apply(List<ReplicaWrite> writes) {
            batches.add(List.copyOf(writes));
            if (batches.size() == 1) {
                try {
                    release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return writes.stream().map(GroupCommitterTest::outcomeOf).toList();
        }
    }

    @Test
    void writesQueuedWhileABatchIsWrittenShareTheNextBatch() throws Exception {
        BlockingWriter writer = new BlockingWriter();
        try (GroupCommitter committer = new GroupCommitter("test-committer", writer, "closed")) {
            CompletableFuture<List<WriteOutcome>> first = committer.enqueue(writes("first", 1));
            await().atMost(BOUND).until(() -> writer.batches.size() == 1);
            CompletableFuture<List<WriteOutcome>> a = committer.enqueue(writes("a", 2));
            CompletableFuture<List<WriteOutcome>> b = committer.enqueue(writes("b", 1));
            CompletableFuture<List<WriteOutcome>> c = committer.enqueue(writes("c", 3));
            writer.release.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS)).containsExactly(outcomeOf(writes("first", 1).get(0)));
            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(writes("a", 2).stream().map(GroupCommitterTest::outcomeOf).toList());
            assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo(writes("b", 1).stream().map(GroupCommitterTest::outcomeOf).toList());
            assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo(writes("c", 3).stream().map(GroupCommitterTest::outcomeOf).toList());
            List<ReplicaWrite> together = new ArrayList<>(writes("a", 2));
            together.addAll(writes("b", 1));
            together.addAll(writes("c", 3));
            assertThat(writer.batches).as("one batch for the first write, one for all queued behind it")
                    .containsExactly(writes("first", 1), together);
        }
    }

    @Test
    void aFailedBatchFailsEveryWriteInItAndTheNextBatchIsWrittenAgain() throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        Function<List<ReplicaWrite>, List<WriteOutcome>> failingSecond = writes -> {
            sizes.add(writes.size());
            if (sizes.size() == 1) {
                try {
                    release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (sizes.size() == 2) {
                throw new StoreException("disk full");
            }
            return writes.stream().map(w -> WriteOutcome.STORED).toList();
        };
        try (GroupCommitter committer = new GroupCommitter("test-committer", failingSecond, "closed")) {
            CompletableFuture<List<WriteOutcome>> first = committer.enqueue(writes("first", 1));
            await().atMost(BOUND).until(() -> sizes.size() == 1);
            CompletableFuture<List<WriteOutcome>> a = committer.enqueue(writes("a", 1));
            CompletableFuture<List<WriteOutcome>> b = committer.enqueue(writes("b", 2));
            release.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS)).containsExactly(WriteOutcome.STORED);
            for (CompletableFuture<List<WriteOutcome>> f : List.of(a, b)) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(StoreException.class).hasMessage("disk full");
            }
            assertThat(committer.enqueue(writes("later", 1)).get(30, TimeUnit.SECONDS)).containsExactly(WriteOutcome.STORED);
            assertThat(sizes).containsExactly(1, 3, 1);
        }
    }

    @Test
    void closeFinishesWhatIsQueuedAndRefusesLaterWrites() throws Exception {
        BlockingWriter writer = new BlockingWriter();
        GroupCommitter committer = new GroupCommitter("test-committer", writer, "the store is closed");
        CompletableFuture<List<WriteOutcome>> first = committer.enqueue(writes("first", 1));
        await().atMost(BOUND).until(() -> writer.batches.size() == 1);
        CompletableFuture<List<WriteOutcome>> queued = committer.enqueue(writes("queued", 2));
        Thread closer = new Thread(committer::close);
        closer.start();
        // once closing, a write is refused at once (the ones that came before still count as queued)
        await().atMost(BOUND).until(() -> committer.enqueue(writes("late", 1)).isCompletedExceptionally());
        assertThat(committer.enqueue(writes("late", 1))).failsWithin(BOUND).withThrowableThat()
                .havingCause().isInstanceOf(StoreException.class).withMessage("the store is closed");
        writer.release.countDown();
        closer.join(BOUND.toMillis());

        assertThat(first.get(30, TimeUnit.SECONDS)).hasSize(1);
        assertThat(queued.get(30, TimeUnit.SECONDS)).as("queued before the close: written").hasSize(2);
        committer.close(); // a second close is harmless
    }

    /** However callers' writes are queued, each caller's future holds the outcomes of its own writes, in order. */
    @Property(tries = 30)
    void eachCallerGetsTheOutcomesOfItsOwnWrites(@ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 300) Integer> callers)
            throws Exception {
        List<List<ReplicaWrite>> batches = new CopyOnWriteArrayList<>();
        Function<List<ReplicaWrite>, List<WriteOutcome>> writer = writes -> {
            batches.add(writes);
            return writes.stream().map(GroupCommitterTest::outcomeOf).toList();
        };
        try (GroupCommitter committer = new GroupCommitter("test-committer", writer, "closed")) {
            List<List<ReplicaWrite>> sent = new ArrayList<>();
            List<CompletableFuture<List<WriteOutcome>>> futures = new ArrayList<>();
            for (int i = 0; i < callers.size(); i++) {
                List<ReplicaWrite> w = writes("caller" + i, callers.get(i));
                sent.add(w);
                futures.add(committer.enqueue(w));
            }
            for (int i = 0; i < sent.size(); i++) {
                assertThat(futures.get(i).get(30, TimeUnit.SECONDS))
                        .isEqualTo(sent.get(i).stream().map(GroupCommitterTest::outcomeOf).toList());
            }
            assertThat(batches.stream().mapToInt(List::size).sum()).as("every write written once")
                    .isEqualTo(callers.stream().mapToInt(Integer::intValue).sum());
        }
    }
}
