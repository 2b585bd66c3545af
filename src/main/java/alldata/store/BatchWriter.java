package alldata.store;

import alldata.core.Clock;
import alldata.core.IntervalDigest;
import alldata.protocol.MetaFormat;
import alldata.protocol.MetaUpdate;
import alldata.protocol.ReplicaMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes replica batches, write-once ({@link ReplicaWrites}), and plan updates ({@link ReplicaPlans#updatePlans}):
 * each one RocksDB write with the plans beside the events and the kept digests they move ({@link DigestBook}). It
 * tells the listener to short plans after the write. The store calls it under its write lock, so that the
 * read-check-write of write-once cannot interleave between callers.
 */
final class BatchWriter {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    private final RocksDB db;
    private final ColumnFamilyHandle events;
    private final ColumnFamilyHandle meta;
    private final WriteOptions writeOptions;
    private final DigestBook digests;
    private final Path dir;
    private final Clock clockMs;
    private volatile ReplicaPlans.ShortPlanListener shortPlanListener = keys -> { };
    /**
     * Why the last write failed; null after a write succeeds. Read without the store's lock, so that a health check
     * never waits behind a slow or stuck write.
     */
    private volatile String failure;

    /** @param clockMs stamps a plan with when its event was stored */
    BatchWriter(RocksDB db, ColumnFamilyHandle events, ColumnFamilyHandle meta, WriteOptions writeOptions,
                DigestBook digests, Path dir, Clock clockMs) {
        this.db = db;
        this.events = events;
        this.meta = meta;
        this.writeOptions = writeOptions;
        this.digests = digests;
        this.dir = dir;
        this.clockMs = clockMs;
    }

    /** {@link ReplicaWrites#writeFailure}. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** {@link ReplicaPlans#onShortPlans}. */
    void onShortPlans(ReplicaPlans.ShortPlanListener listener) {
        shortPlanListener = listener;
    }

    /** Whether {@code m} names fewer distinct nodes than its replication factor. */
    static boolean isShort(ReplicaMeta m) {
        List<String> r = m.replicas();
        int distinct = 0;
        for (int i = 0; i < r.size(); i++) {
            if (r.indexOf(r.get(i)) == i) {
                distinct++;
            }
        }
        return distinct < m.replicationFactor();
    }

    private void tellShort(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            shortPlanListener.shortPlans(keys);
        } catch (RuntimeException e) {
            log.warn("the listener to short plans failed on {} keys: {}", keys.size(), e.toString());
        }
    }

    /** Writes one batch of replicas, write-once: one outcome per write, in order. */
    List<WriteOutcome> write(List<ReplicaWrite> writes) {
        if (writes.isEmpty()) {
            return List.of();
        }
        List<byte[]> keys = new ArrayList<>(writes.size());
        for (ReplicaWrite w : writes) {
            keys.add(w.key().getBytes(StandardCharsets.US_ASCII));
        }
        List<WriteOutcome> outcomes = new ArrayList<>(writes.size());
        List<String> shortPlans = new ArrayList<>(0);
        try (WriteBatch batch = new WriteBatch()) {
            List<byte[]> existing = db.multiGetAsList(Collections.nCopies(keys.size(), events), keys);
            Map<String, byte[]> inBatch = new HashMap<>();
            KeptDigests counted = new KeptDigests();
            long now = clockMs.nowMs();
            for (int i = 0; i < writes.size(); i++) {
                ReplicaWrite w = writes.get(i);
                byte[] stored = inBatch.containsKey(w.key()) ? inBatch.get(w.key()) : existing.get(i);
                if (stored == null) {
                    batch.put(events, keys.get(i), w.event());
                    if (w.meta() != null) {
                        batch.put(meta, keys.get(i), MetaFormat.encode(w.meta().storedAt(now)));
                        if (isShort(w.meta())) {
                            shortPlans.add(w.key());
                        }
                    }
                    counted.add(w.key(), IntervalDigest.eventHash(w.key(), w.event()),
                            w.meta() == null ? List.of() : w.meta().replicas(), true);
                    inBatch.put(w.key(), w.event());
                    outcomes.add(WriteOutcome.STORED);
                } else if (Arrays.equals(stored, w.event())) {
                    outcomes.add(WriteOutcome.DUPLICATE);
                } else {
                    log.error("CONFLICT: key {} already holds a different event in {}; the stored event is kept",
                            w.key(), dir);
                    outcomes.add(WriteOutcome.CONFLICT);
                }
            }
            DigestBook.Staged staged = digests.stage(batch, counted);
            if (batch.count() > 0) {
                db.write(writeOptions, batch);
            }
            digests.written(staged);
            failure = null;
        } catch (RocksDBException e) {
            failure = "write to " + dir + " failed: " + e.getMessage();
            throw new StoreException("write of " + writes.size() + " replicas to " + dir + " failed: " + e.getMessage(), e);
        }
        tellShort(shortPlans);
        return outcomes;
    }

    /** {@link ReplicaPlans#updatePlans}. */
    List<PlanUpdateOutcome> updatePlans(List<MetaUpdate> updates, String origin) {
        if (updates.isEmpty()) {
            return List.of();
        }
        List<byte[]> keys = updates.stream().map(u -> u.key().getBytes(StandardCharsets.US_ASCII)).toList();
        List<PlanUpdateOutcome> outcomes = new ArrayList<>(updates.size());
        List<String> shortPlans = new ArrayList<>(0);
        try (WriteBatch batch = new WriteBatch()) {
            List<byte[]> held = db.multiGetAsList(Collections.nCopies(keys.size(), events), keys);
            List<byte[]> metas = db.multiGetAsList(Collections.nCopies(keys.size(), meta), keys);
            Map<String, ReplicaMeta> updated = new HashMap<>(); // an event updated twice in one call
            KeptDigests moved = new KeptDigests();
            for (int i = 0; i < updates.size(); i++) {
                MetaUpdate u = updates.get(i);
                if (held.get(i) == null) {
                    outcomes.add(PlanUpdateOutcome.ABSENT);
                    continue;
                }
                ReplicaMeta old = updated.containsKey(u.key()) ? updated.get(u.key())
                        : metas.get(i) == null ? null : ReplicaReader.decodePlan(u.key(), metas.get(i), dir);
                if (old != null && old.epoch() >= u.epoch()) {
                    outcomes.add(PlanUpdateOutcome.STALE);
                    continue;
                }
                ReplicaMeta next = old != null ? old.updatedBy(u, origin)
                        : new ReplicaMeta(u.replicas(), origin, u.replicationFactor(), clockMs.nowMs(), u.epoch());
                long hash = IntervalDigest.eventHash(u.key(), held.get(i));
                Set<String> before = old == null ? Set.of() : new LinkedHashSet<>(old.replicas());
                Set<String> after = new LinkedHashSet<>(next.replicas());
                moved.remove(u.key(), hash, before.stream().filter(n -> !after.contains(n)).toList());
                moved.add(u.key(), hash, after.stream().filter(n -> !before.contains(n)).toList(), false);
                batch.put(meta, keys.get(i), MetaFormat.encode(next));
                updated.put(u.key(), next);
                outcomes.add(PlanUpdateOutcome.APPLIED);
                if (isShort(next)) {
                    shortPlans.add(u.key());
                }
            }
            DigestBook.Staged staged = digests.stage(batch, moved);
            if (batch.count() > 0) {
                db.write(writeOptions, batch);
            }
            digests.written(staged);
        } catch (RocksDBException e) {
            throw new StoreException("plan update of " + updates.size() + " events in " + dir + " failed: " + e.getMessage(), e);
        }
        tellShort(shortPlans);
        return outcomes;
    }
}
