package alldata.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The JSON wire formats: results, membership records and dead-letter headers, which people and any
 * Kafka client read. (Commands, acks and the coordinator's state are binary: {@link CommandFormat},
 * {@link AckFormat}.)
 */
public final class Wire {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            // an enum value from a newer version reads as the enum's declared default (for MemberRecord.State:
            // LEAVING, i.e. not live); enums without one still fail
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE, true);

    private Wire() {
    }

    /** The shared mapper (thread-safe once configured). */
    public static ObjectMapper json() {
        return JSON;
    }

    public static byte[] encode(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Decodes a JSON value of one of the wire records ({@link Ack}, {@link PutOutcome}, {@link MemberRecord}). */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null) {
            throw new MalformedRecordException(type.getSimpleName() + " is null");
        }
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRecordException("not a valid " + type.getSimpleName() + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
