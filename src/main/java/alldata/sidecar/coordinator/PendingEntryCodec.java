package alldata.sidecar.coordinator;

import alldata.core.CommitLevel;
import alldata.core.PendingPut;
import alldata.core.SpreadRequirement;
import alldata.protocol.ByteReader;
import alldata.protocol.ByteWriter;
import alldata.protocol.MalformedRecordException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a {@link PendingEntry} in the changelogged {@code pending-puts} store, version 4.
 *
 * <pre>
 * u8 format = 4
 * i32-length UTF-8 correlation id, i32 ingest partition, i64 ingest offset, i64 started-at ms
 * str key, u8 commit level (1 ONE, 2 QUORUM, 3 ALL), u8 replication factor, i64 replica timeout ms
 * i64 put timeout ms (0: the seed's rule; absent in version 2)
 * u8 min zones, u8 min regions (the put's fault-domain requirement; absent before version 4: 1, 1)
 * u8 outcome (0 PENDING, 1 COMMITTED, 2 FAILED), u8 published (0 or 1), i32-length UTF-8 failure reason ("" = none)
 * u8 n, n x (str node, u8 state (1 RUNNING, 2 STORED, 3 FAILED, 4 TIMED_OUT), u16 attempt)
 * u8 m, m x str spare
 * i32-length event bytes
 * </pre>
 *
 * A put stays until its outcome is decided and published; a FAILED outcome is published once no replica
 * runs, so that it can name every node that holds a copy anyway. Deadlines are not stored: a restored put is {@linkplain PendingPut#resume resumed} and its deadlines
 * start again on the new owner's clock, the put deadline too. Nor are the replicas' zones and regions: the owner
 * locates them in its membership view when it loads the put. Codes are explicit, never enum ordinals. Version 3
 * entries (no fault-domain requirement) still read, as (1, 1). Version 2
 * entries (no put timeout) still read, under the seed's rule their writer applied. Version 1 entries
 * (written with {@code writeUTF}, which could not hold long correlation ids) are refused with a reason;
 * their puts are re-driven by the replay of their ingest records.
 */
final class PendingEntryCodec {
    static final int FORMAT = 4;
    /** The layout before the fault-domain requirement; still read. */
    static final int FORMAT_WITHOUT_SPREAD = 3;
    /** The layout before the put timeout; still read. */
    static final int FORMAT_WITHOUT_PUT_TIMEOUT = 2;

    byte[] encode(PendingEntry e) {
        PendingPut p = e.put();
        ByteWriter w = new ByteWriter(p.event().length + e.correlationId().length() + 96 + 16 * p.replicas().size())
                .u8(FORMAT).longStr(e.correlationId()).i32(e.ingestPartition()).i64(e.ingestOffset())
                .i64(e.startedAtMs()).str(p.key()).u8(levelCode(p.commitLevel())).u8(p.replicationFactor())
                .i64(p.replicaTimeoutMs()).i64(p.putTimeoutMs()).u8(p.spread().minZones())
                .u8(p.spread().minRegions()).u8(outcomeCode(p.outcome())).u8(e.published() ? 1 : 0)
                .longStr(e.failure() == null ? "" : e.failure()).u8(p.replicas().size());
        for (PendingPut.Replica r : p.replicas()) {
            w.str(r.node()).u8(stateCode(r.state())).u16(Math.min(0xffff, r.attempt()));
        }
        w.u8(Math.min(0xff, p.spares().size()));
        for (String s : p.spares().subList(0, Math.min(0xff, p.spares().size()))) {
            w.str(s);
        }
        return w.bytes(p.event()).toByteArray();
    }

    PendingEntry decode(byte[] bytes) {
        ByteReader r = new ByteReader(bytes, "pending-puts entry");
        int format = r.u8("format");
        if (format != FORMAT && format != FORMAT_WITHOUT_SPREAD && format != FORMAT_WITHOUT_PUT_TIMEOUT) {
            throw new MalformedRecordException("pending-puts entry has unknown layout version " + format);
        }
        try {
            String correlationId = r.longStr("correlation id");
            int partition = r.i32("ingest partition");
            long offset = r.i64("ingest offset");
            long startedAt = r.i64("started at");
            String key = r.str("key");
            CommitLevel level = level(r.u8("commit level"));
            int rf = r.u8("replication factor");
            long timeout = r.i64("replica timeout");
            long putTimeout = format >= FORMAT_WITHOUT_SPREAD ? r.i64("put timeout") : 0;
            SpreadRequirement spread = format >= FORMAT
                    ? new SpreadRequirement(r.u8("min zones"), r.u8("min regions")) : SpreadRequirement.NONE;
            PendingPut.Outcome outcome = outcome(r.u8("outcome"));
            boolean published = r.u8("published") == 1;
            String failure = r.longStr("failure");
            int n = r.u8("replica count");
            List<PendingPut.Replica> replicas = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String node = r.str("replica");
                PendingPut.ReplicaState state = state(r.u8("replica state"));
                // no deadline until the put is resumed on this owner's clock
                replicas.add(new PendingPut.Replica(node, state, Long.MAX_VALUE, r.u16("attempt")));
            }
            int m = r.u8("spare count");
            List<String> spares = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                spares.add(r.str("spare"));
            }
            byte[] event = r.bytes("event");
            r.end();
            // no put deadline until the put is resumed on this owner's clock
            return new PendingEntry(new PendingPut(key, event, level, rf, timeout, replicas, spares, outcome, putTimeout,
                    Long.MAX_VALUE, spread, java.util.Map.of()),
                    correlationId, partition, offset, startedAt, failure.isEmpty() ? null : failure, published);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedRecordException("corrupt pending-puts entry: " + e.getMessage(), e);
        }
    }

    private static int levelCode(CommitLevel l) {
        return switch (l) {
            case ONE -> 1;
            case QUORUM -> 2;
            case ALL -> 3;
        };
    }

    private static CommitLevel level(int code) {
        return switch (code) {
            case 1 -> CommitLevel.ONE;
            case 2 -> CommitLevel.QUORUM;
            case 3 -> CommitLevel.ALL;
            default -> throw new MalformedRecordException("pending-puts entry has unknown commit level code " + code);
        };
    }

    private static int outcomeCode(PendingPut.Outcome o) {
        return switch (o) {
            case PENDING -> 0;
            case COMMITTED -> 1;
            case FAILED -> 2;
        };
    }

    private static PendingPut.Outcome outcome(int code) {
        return switch (code) {
            case 0 -> PendingPut.Outcome.PENDING;
            case 1 -> PendingPut.Outcome.COMMITTED;
            case 2 -> PendingPut.Outcome.FAILED;
            default -> throw new MalformedRecordException("pending-puts entry has unknown outcome code " + code);
        };
    }

    private static int stateCode(PendingPut.ReplicaState s) {
        return switch (s) {
            case RUNNING -> 1;
            case STORED -> 2;
            case FAILED -> 3;
            case TIMED_OUT -> 4;
        };
    }

    private static PendingPut.ReplicaState state(int code) {
        return switch (code) {
            case 1 -> PendingPut.ReplicaState.RUNNING;
            case 2 -> PendingPut.ReplicaState.STORED;
            case 3 -> PendingPut.ReplicaState.FAILED;
            case 4 -> PendingPut.ReplicaState.TIMED_OUT;
            default -> throw new MalformedRecordException("pending-puts entry has unknown replica state code " + code);
        };
    }
}
