package alldata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of every binary format, spelled out field by field: a change to a layout breaks these
 * tests, so it can only happen on purpose (with a new format byte, and a decoder for the old one).
 */
class BinaryFormatsTest {
    private static final String KEY = "20261125T041500123-00003-0000000000000001234";
    private static final byte[] EVENT = "{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8);

    /** Hex of the concatenated parts; a part starting with ' is ASCII text, anything else is hex. */
    private static String hex(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(p.startsWith("'") ? HexFormat.of().formatHex(p.substring(1).getBytes(StandardCharsets.UTF_8)) : p);
        }
        return sb.toString();
    }

    private static String hexOf(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void putBatchToAnAckPartition() {
        PutBatch batch = new PutBatch("node-1", new ReplyTo.AckPartition(3),
                List.of(new PutCommand(KEY, EVENT, 2, 3, List.of("node-1", "node-2"))));
        String golden = hex("02", "01",                  // format 2, kind PUT_BATCH
                "0006", "'node-1",                        // origin
                "01", "00000003",                         // reply route: ack partition 3
                "00000001",                               // one put
                "002c", "'" + KEY,                        // key
                "0002", "03",                             // attempt 2, replication factor 3
                "02", "0006", "'node-1", "0006", "'node-2", // the plan
                "0000000a", hexOf(EVENT));                // the event, 10 bytes, as produced
        assertThat(hexOf(CommandFormat.encode(batch))).isEqualTo(golden);
        assertThat(CommandFormat.decode(bytes(golden))).isEqualTo(batch);
    }

    @Test
    void putBatchWithRepliesToANode() {
        PutBatch batch = new PutBatch("node-2", new ReplyTo.Node("node-2"),
                List.of(new PutCommand("k1", bytes("7b7d"), 1, 2, List.of("node-2")),
                        new PutCommand("k2", bytes("7b7d"), 1, 2, List.of())));
        String golden = hex("02", "01", "0006", "'node-2",
                "02", "0006", "'node-2",                  // reply route: node-2's command topic
                "00000002",
                "0002", "'k1", "0001", "02", "01", "0006", "'node-2", "00000002", "7b7d",
                "0002", "'k2", "0001", "02", "00", "00000002", "7b7d");
        assertThat(hexOf(CommandFormat.encode(batch))).isEqualTo(golden);
        assertThat(CommandFormat.decode(bytes(golden))).isEqualTo(batch);
    }

    @Test
    void replyBatch() {
        ReplyBatch replies = new ReplyBatch(new AckBatch("node-3", List.of(Ack.ok("k1", "node-3"))));
        String golden = hex("02", "02", "0006", "'node-3", "00000001", "0002", "'k1", "01", "0000");
        assertThat(hexOf(CommandFormat.encode(replies))).isEqualTo(golden);
        assertThat(CommandFormat.decode(bytes(golden))).isEqualTo(replies);
    }

    @Test
    void ackBatchWithEveryStatus() {
        AckBatch batch = new AckBatch("node-2", List.of(Ack.ok("k1", "node-2"),
                new Ack("k2", "node-2", Ack.Status.CONFLICT, "differs"), Ack.error("k3", "node-2", "disk")));
        String golden = hex("02", "01",                  // format 2, kind ACK_BATCH
                "0006", "'node-2", "00000003",
                "0002", "'k1", "01", "0000",              // OK, no message
                "0002", "'k2", "02", "0007", "'differs",  // CONFLICT
                "0002", "'k3", "03", "0004", "'disk");    // ERROR
        assertThat(hexOf(AckFormat.encode(batch))).isEqualTo(golden);
        assertThat(AckFormat.decode(bytes(golden))).isEqualTo(batch);
    }

    @Test
    void clockMarker() {
        String golden = hex("02", "02", "0000019d8a6b2c00");
        assertThat(hexOf(AckFormat.encode(new ClockMarker(0x19d8a6b2c00L)))).isEqualTo(golden);
        assertThat(AckFormat.decode(bytes(golden))).isEqualTo(new ClockMarker(0x19d8a6b2c00L));
    }

    @Test
    void replicaMeta() {
        ReplicaMeta meta = new ReplicaMeta(List.of("node-1", "node-3"), "node-1", 3, 0x19d8a6b2c00L, 7);
        String golden = hex("03", "0006", "'node-1", "03", "02", "0006", "'node-1", "0006", "'node-3",
                "0000019d8a6b2c00",                       // stored at
                "0000000000000007");                      // epoch 7
        assertThat(hexOf(MetaFormat.encode(meta))).isEqualTo(golden);
        assertThat(MetaFormat.decode(bytes(golden))).isEqualTo(meta);
    }

    @Test
    void replicaMetaOfVersionTwoIsStillReadWithEpochZero() {
        String v2 = hex("02", "0006", "'node-1", "03", "02", "0006", "'node-1", "0006", "'node-3",
                "0000019d8a6b2c00");
        assertThat(MetaFormat.decode(bytes(v2)))
                .isEqualTo(new ReplicaMeta(List.of("node-1", "node-3"), "node-1", 3, 0x19d8a6b2c00L, 0));
        assertThatThrownBy(() -> MetaFormat.decode(bytes(v2 + "0000000000000007"))).hasMessageContaining("trailing");
        assertThatThrownBy(() -> MetaFormat.decode(bytes("04"))).hasMessageContaining("unknown format 4");
    }

    @Test
    void metaUpdate() {
        MetaUpdateBatch updates = new MetaUpdateBatch("node-2", List.of(
                new MetaUpdate(KEY, List.of("node-2", "node-3", "node-4"), 3, 0x19d8a6b2c01L),
                new MetaUpdate("k2", List.of(), 1, 1)));
        String golden = hex("02", "03",                  // format 2, kind META_UPDATE
                "0006", "'node-2",                        // origin
                "00000002",                               // two updates
                "002c", "'" + KEY, "0000019d8a6b2c01",    // key, epoch
                "03", "03", "0006", "'node-2", "0006", "'node-3", "0006", "'node-4", // rf 3, the new plan
                "0002", "'k2", "0000000000000001", "01", "00");
        assertThat(hexOf(CommandFormat.encode(updates))).isEqualTo(golden);
        assertThat(CommandFormat.decode(bytes(golden))).isEqualTo(updates);
    }

    @Test
    void failedCopies() {
        FailedCopies marks = new FailedCopies("node-1", List.of(KEY, "k2"));
        String golden = hex("02", "04",                  // format 2, kind FAILED_COPIES
                "0006", "'node-1",                        // origin: the coordinator that published the outcomes
                "00000002",                               // two keys
                "002c", "'" + KEY,
                "0002", "'k2");
        assertThat(hexOf(CommandFormat.encode(marks))).isEqualTo(golden);
        assertThat(CommandFormat.decode(bytes(golden))).isEqualTo(marks);
        assertThat(CommandFormat.toJson(marks).toString())
                .isEqualTo("{\"type\":\"failedCopies\",\"origin\":\"node-1\",\"keys\":[\"" + KEY + "\",\"k2\"]}");
    }

    @Test
    void committedCopies() {
        FailedCopies clears = new FailedCopies("node-1", List.of(KEY), false);
        String golden = hex("02", "05",                  // format 2, kind COMMITTED_COPIES
                "0006", "'node-1",
                "00000001",
                "002c", "'" + KEY);
        assertThat(hexOf(CommandFormat.encode(clears))).isEqualTo(golden);
        assertThat(CommandFormat.decode(bytes(golden))).isEqualTo(clears);
        assertThat(CommandFormat.toJson(clears).toString())
                .isEqualTo("{\"type\":\"committedCopies\",\"origin\":\"node-1\",\"keys\":[\"" + KEY + "\"]}");
    }

    @Test
    void failedCopiesWithAnEmptyKeyOrTooManyKeysAreMalformed() {
        assertThatThrownBy(() -> CommandFormat.decode(bytes(hex("02", "04", "0001", "'n", "00000001", "0000"))))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> CommandFormat.decode(bytes(hex("02", "04", "0001", "'n", "7fffffff"))))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("claims");
    }

    @Test
    void aMetaUpdateWithEpochZeroOrAnEmptyKeyIsMalformed() {
        assertThatThrownBy(() -> CommandFormat.decode(bytes(hex("02", "03", "0001", "'n", "00000001",
                "0001", "'k", "0000000000000000", "01", "00")))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("epoch");
        assertThatThrownBy(() -> CommandFormat.decode(bytes(hex("02", "03", "0001", "'n", "00000001",
                "0000", "0000000000000001", "01", "00")))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("key must not be empty");
        assertThatThrownBy(() -> CommandFormat.decode(bytes(hex("02", "03", "0001", "'n", "7fffffff"))))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("claims");
    }

    @Test
    void replicaMetaOfVersionOneIsStillRead() {
        ReplicaMeta old = MetaFormat.decode("{\"replicas\":[\"n1\",\"n2\"],\"coordinator\":\"n1\",\"storedAtMs\":5}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(old).isEqualTo(new ReplicaMeta(List.of("n1", "n2"), "n1", 2, 5));
    }

    @Test
    void versionOneJsonCommandsAreRefusedWithAReason() {
        assertThatThrownBy(() -> CommandFormat.decode("{\"key\":\"k\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("JSON command of version 1");
    }

    @Test
    void unknownKindsAndCodesAreRefused() {
        assertThatThrownBy(() -> CommandFormat.decode(bytes("0209"))).hasMessageContaining("unknown kind 9");
        assertThatThrownBy(() -> AckFormat.decode(bytes("0209"))).hasMessageContaining("unknown kind 9");
        assertThatThrownBy(() -> AckFormat.decode(bytes(hex("02", "01", "0001", "'n", "00000001", "0001", "'k", "07", "0000"))))
                .hasMessageContaining("unknown ack status code 7");
        assertThatThrownBy(() -> CommandFormat.decode(bytes(hex("02", "01", "0001", "'n", "09"))))
                .hasMessageContaining("unknown reply route 9");
    }

    @Test
    void aPutWithAnEmptyKeyMakesTheRecordMalformed() {
        String golden = hex("02", "01", "0001", "'n", "01", "00000000", "00000001",
                "0000", "0001", "01", "00", "00000002", "7b7d");
        assertThatThrownBy(() -> CommandFormat.decode(bytes(golden))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("key must not be empty");
    }

    @Test
    void everyTruncationIsAMalformedRecordNeverAnotherException() {
        for (CommandRecord record : List.of(new PutBatch("node-1", new ReplyTo.AckPartition(3),
                        List.of(new PutCommand(KEY, EVENT, 2, 3, List.of("node-1", "node-2")))),
                new MetaUpdateBatch("node-1", List.of(new MetaUpdate(KEY, List.of("node-1", "node-2"), 2, 9))))) {
            byte[] whole = CommandFormat.encode(record);
            for (int n = 0; n < whole.length; n++) {
                byte[] cut = Arrays.copyOf(whole, n);
                assertThatThrownBy(() -> CommandFormat.decode(cut)).isInstanceOf(MalformedRecordException.class);
            }
            byte[] longer = Arrays.copyOf(whole, whole.length + 1);
            assertThatThrownBy(() -> CommandFormat.decode(longer)).hasMessageContaining("trailing");
        }
        byte[] meta = MetaFormat.encode(new ReplicaMeta(List.of("node-1"), "node-1", 1, 5, 2));
        for (int n = 0; n < meta.length; n++) {
            byte[] cut = Arrays.copyOf(meta, n);
            assertThatThrownBy(() -> MetaFormat.decode(cut)).isInstanceOf(MalformedRecordException.class);
        }
    }

    @Property
    void arbitraryBytesDecodeOrFailAsMalformed(@ForAll byte[] junk) {
        for (var decoder : List.<java.util.function.Function<byte[], ?>>of(CommandFormat::decode, AckFormat::decode,
                MetaFormat::decode)) {
            try {
                decoder.apply(junk);
            } catch (MalformedRecordException expected) {
                // the only acceptable failure
            }
        }
    }

    @Property
    void arbitraryBytesAfterAValidHeaderDecodeOrFailAsMalformed(@ForAll byte[] junk) {
        byte[] withHeader = new byte[junk.length + 2];
        withHeader[0] = 2;
        withHeader[1] = (byte) (junk.length % 4);
        System.arraycopy(junk, 0, withHeader, 2, junk.length);
        try {
            CommandFormat.decode(withHeader);
        } catch (MalformedRecordException expected) {
            // fine
        }
        try {
            AckFormat.decode(withHeader);
        } catch (MalformedRecordException expected) {
            // fine
        }
    }
}
