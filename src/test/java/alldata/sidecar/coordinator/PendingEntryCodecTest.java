package alldata.sidecar.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.CommitLevel;
import alldata.core.PendingPut;
import alldata.core.PendingPut.Replica;
import alldata.core.PendingPut.ReplicaState;
import alldata.core.SpreadRequirement;
import alldata.protocol.MalformedRecordException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingEntryCodecTest {
    private final PendingEntryCodec codec = new PendingEntryCodec();

    private static String hex(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(p.startsWith("'") ? HexFormat.of().formatHex(p.substring(1).getBytes(StandardCharsets.UTF_8)) : p);
        }
        return sb.toString();
    }

    @Test
    void goldenBytes() {
        PendingPut put = new PendingPut("k", "{}".getBytes(StandardCharsets.UTF_8), CommitLevel.QUORUM, 3, 5_000,
                List.of(new Replica("n1", ReplicaState.STORED, Long.MAX_VALUE, 1),
                        new Replica("n2", ReplicaState.TIMED_OUT, Long.MAX_VALUE, 1),
                        new Replica("n4", ReplicaState.RUNNING, Long.MAX_VALUE, 2)),
                List.of("n5"), PendingPut.Outcome.COMMITTED, 60_000, Long.MAX_VALUE, new SpreadRequirement(2, 1), Map.of());
        PendingEntry entry = new PendingEntry(put, "c1", 3, 42, 0x10, null, true);
        String golden = hex("04",
                "00000002", "'c1", "00000003", "000000000000002a", "0000000000000010", // correlation id, partition, offset, started
                "0001", "'k", "02", "03", "0000000000001388",                          // key, QUORUM, rf 3, timeout 5000
                "000000000000ea60",                                                     // put timeout 60000
                "02", "01",                                                             // min zones 2, min regions 1
                "01", "01", "00000000",                                                 // COMMITTED, published, no failure reason
                "03", "0002", "'n1", "02", "0001", "0002", "'n2", "04", "0001", "0002", "'n4", "01", "0002",
                "01", "0002", "'n5",                                                    // spares
                "00000002", "'{}");                                                     // the event
        assertThat(HexFormat.of().formatHex(codec.encode(entry))).isEqualTo(golden);
        assertThat(codec.decode(HexFormat.of().parseHex(golden))).isEqualTo(entry);
    }

    /** Stores written before fault-domain requirements still read: their puts have none (1 zone, 1 region). */
    @Test
    void readsVersion3EntriesWithoutAFaultDomainRequirement() {
        PendingPut put = new PendingPut("k", "{}".getBytes(StandardCharsets.UTF_8), CommitLevel.QUORUM, 3, 5_000,
                List.of(new Replica("n1", ReplicaState.STORED, Long.MAX_VALUE, 1),
                        new Replica("n2", ReplicaState.TIMED_OUT, Long.MAX_VALUE, 1),
                        new Replica("n4", ReplicaState.RUNNING, Long.MAX_VALUE, 2)),
                List.of("n5"), PendingPut.Outcome.COMMITTED, 60_000, Long.MAX_VALUE);
        PendingEntry entry = new PendingEntry(put, "c1", 3, 42, 0x10, null, true);
        String golden = hex("03",
                "00000002", "'c1", "00000003", "000000000000002a", "0000000000000010", // correlation id, partition, offset, started
                "0001", "'k", "02", "03", "0000000000001388",                          // key, QUORUM, rf 3, timeout 5000
                "000000000000ea60",                                                     // put timeout 60000
                "01", "01", "00000000",                                                 // COMMITTED, published, no failure reason
                "03", "0002", "'n1", "02", "0001", "0002", "'n2", "04", "0001", "0002", "'n4", "01", "0002",
                "01", "0002", "'n5",                                                    // spares
                "00000002", "'{}");                                                     // the event
        assertThat(codec.decode(HexFormat.of().parseHex(golden))).isEqualTo(entry);
        assertThat(codec.decode(HexFormat.of().parseHex(golden)).put().spread()).isEqualTo(SpreadRequirement.NONE);
    }

    /** Stores written before the put timeout still read: their puts keep the seed's rule, as their writer judged. */
    @Test
    void readsVersion2EntriesUnderTheSeedsRule() {
        PendingPut put = new PendingPut("k", "{}".getBytes(StandardCharsets.UTF_8), CommitLevel.QUORUM, 3, 5_000,
                List.of(new Replica("n1", ReplicaState.STORED, Long.MAX_VALUE, 1),
                        new Replica("n2", ReplicaState.TIMED_OUT, Long.MAX_VALUE, 1),
                        new Replica("n4", ReplicaState.RUNNING, Long.MAX_VALUE, 2)),
                List.of("n5"), PendingPut.Outcome.COMMITTED);
        PendingEntry entry = new PendingEntry(put, "c1", 3, 42, 0x10, null, true);
        String golden = hex("02",
                "00000002", "'c1", "00000003", "000000000000002a", "0000000000000010", // correlation id, partition, offset, started
                "0001", "'k", "02", "03", "0000000000001388",                          // key, QUORUM, rf 3, timeout 5000
                "01", "01", "00000000",                                                 // COMMITTED, published, no failure reason
                "03", "0002", "'n1", "02", "0001", "0002", "'n2", "04", "0001", "0002", "'n4", "01", "0002",
                "01", "0002", "'n5",                                                    // spares
                "00000002", "'{}");                                                     // the event
        assertThat(codec.decode(HexFormat.of().parseHex(golden))).isEqualTo(entry);
        assertThat(codec.decode(HexFormat.of().parseHex(golden)).put().patient()).isFalse();
    }

    @Test
    void roundTripsAFailedPutWithItsReasonAndALongCorrelationId() {
        String longId = "x".repeat(70_000);
        PendingPut put = new PendingPut("k", "{}".getBytes(StandardCharsets.UTF_8), CommitLevel.ALL, 2, 100,
                List.of(new Replica("n1", ReplicaState.FAILED, Long.MAX_VALUE, 1)), List.of(), PendingPut.Outcome.FAILED);
        PendingEntry entry = new PendingEntry(put, longId, 0, 1, 2, "no spare left", false);
        assertThat(codec.decode(codec.encode(entry))).isEqualTo(entry);
    }

    @Test
    void rejectsCorruptOrUnknownEntriesClearly() {
        assertThatThrownBy(() -> codec.decode(new byte[] {9, 0}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("version 9");
        assertThatThrownBy(() -> codec.decode(new byte[] {1, 0}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("version 1");
        assertThatThrownBy(() -> codec.decode(new byte[] {2, 0, 0}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("truncated");
    }
}
