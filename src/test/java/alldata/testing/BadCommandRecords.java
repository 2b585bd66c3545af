package alldata.testing;

import alldata.protocol.CommandFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Command-topic records a replica writer must skip without stopping: no encoder makes them, so they are spelled out. */
public final class BadCommandRecords {
    private BadCommandRecords() {
    }

    /** A put batch (format 2) from {@code n0}, answered on ack partition 1, whose one put has an empty key. */
    public static byte[] putWithEmptyKey() {
        byte[] origin = "n0".getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(64).put((byte) CommandFormat.FORMAT).put((byte) 1)
                .putShort((short) origin.length).put(origin)
                .put((byte) 1).putInt(1)                  // reply to ack partition 1
                .putInt(1)                                // one put
                .putShort((short) 0)                      // key ""
                .putShort((short) 1).put((byte) 1).put((byte) 0) // attempt 1, rf 1, no replicas
                .putInt(2).put((byte) '{').put((byte) '}')
                .flip().array().clone();
    }

    /** Bytes that are no command of any format. */
    public static byte[] garbage() {
        return new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};
    }
}
