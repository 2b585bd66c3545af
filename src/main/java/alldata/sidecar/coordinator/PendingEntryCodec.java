package alldata.sidecar.coordinator;

import alldata.core.CommitLevel;
import alldata.core.PendingPut;
import alldata.protocol.MalformedRecordException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a {@link PendingEntry} in the changelogged {@code pending-puts} store. The store is
 * written on every transition of every put, so this is a hot path: a compact hand-written layout
 * (measured cheaper than JSON data binding, which also base64-encoded the event) with a version byte so
 * that a later layout can still read entries an older sidecar left in the changelog.
 */
final class PendingEntryCodec {
    private static final byte VERSION = 1;

    byte[] encode(PendingEntry e) {
        PendingPut p = e.put();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(p.event().length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(e.correlationId());
            out.writeInt(e.ingestPartition());
            out.writeLong(e.ingestOffset());
            out.writeLong(e.startedAtMs());
            out.writeUTF(p.key());
            out.writeInt(p.event().length);
            out.write(p.event());
            out.writeByte(p.commitLevel().ordinal());
            out.writeInt(p.replicationFactor());
            out.writeLong(p.replicaTimeoutMs());
            out.writeByte(p.outcome().ordinal());
            out.writeShort(p.replicas().size());
            for (PendingPut.Replica r : p.replicas()) {
                out.writeUTF(r.node());
                out.writeByte(r.state().ordinal());
                out.writeLong(r.deadlineMs());
                out.writeInt(r.attempt());
            }
            out.writeShort(p.spares().size());
            for (String s : p.spares()) {
                out.writeUTF(s);
            }
        } catch (IOException ex) {
            throw new IllegalStateException("cannot encode pending put " + p.key(), ex);
        }
        return bytes.toByteArray();
    }

    PendingEntry decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new MalformedRecordException("pending-puts entry has unknown layout version " + version);
            }
            String correlationId = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long startedAt = in.readLong();
            String key = in.readUTF();
            byte[] event = new byte[in.readInt()];
            in.readFully(event);
            CommitLevel level = CommitLevel.values()[in.readByte()];
            int rf = in.readInt();
            long timeout = in.readLong();
            PendingPut.Outcome outcome = PendingPut.Outcome.values()[in.readByte()];
            int n = in.readShort();
            List<PendingPut.Replica> replicas = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                replicas.add(new PendingPut.Replica(in.readUTF(), PendingPut.ReplicaState.values()[in.readByte()],
                        in.readLong(), in.readInt()));
            }
            int m = in.readShort();
            List<String> spares = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                spares.add(in.readUTF());
            }
            return new PendingEntry(new PendingPut(key, event, level, rf, timeout, replicas, spares, outcome),
                    correlationId, partition, offset, startedAt);
        } catch (IOException | RuntimeException ex) {
            throw new MalformedRecordException("corrupt pending-puts entry: " + ex.getMessage(), ex);
        }
    }
}
