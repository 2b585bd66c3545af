package alldata.sidecar.coordinator;

import alldata.core.CommitLevel;
import alldata.core.PendingPut;
import alldata.core.Placement;
import alldata.core.ReplicaFailure;
import alldata.protocol.MalformedRecordException;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingEntryCodecTest {
    private final PendingEntryCodec codec = new PendingEntryCodec();

    @Test
    void roundTripsAPutInEveryReplicaState() {
        Placement plan = new Placement(List.of("n1", "n2", "n3"), List.of("n4", "n5"), Placement.Adherence.MEETS_STRICT);
        PendingPut put = PendingPut.start("k", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), plan,
                CommitLevel.ALL, 3, 5_000, 1_000).put();
        put = put.stored("n1", 1_001).put();
        put = put.failed("n2", ReplicaFailure.ERROR, "disk", 1_002).put();
        put = put.deadlinePassed(10_000).put();
        PendingEntry entry = new PendingEntry(put, "corr-1", 3, 42, 999);

        PendingEntry back = codec.decode(codec.encode(entry));

        assertThat(back).isEqualTo(entry);
    }

    @Test
    void rejectsCorruptOrUnknownEntriesClearly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(new byte[] {9, 0}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("version 9");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(new byte[] {1, 0}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("corrupt");
    }
}
