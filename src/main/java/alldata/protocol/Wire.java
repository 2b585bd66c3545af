package alldata.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;

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
    private static final JsonFactory FACTORY = JSON.getFactory();

    private Wire() {
    }

    /** The shared mapper (thread-safe once configured). */
    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * Checks that {@code value} is one JSON object in UTF-8 (surrounding whitespace allowed) and returns
     * the object's exact bytes, without that whitespace.
     *
     * @throws MalformedRecordException saying why it is not
     */
    public static byte[] eventObject(byte[] value) {
        if (value == null) {
            throw new MalformedRecordException("event is null (a tombstone); expected a JSON object");
        }
        try (JsonParser p = FACTORY.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new MalformedRecordException(first == null
                        ? "event is empty; expected a JSON object"
                        : "event is not a JSON object (starts with " + describe(first) + ")");
            }
            int start = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            int end = (int) p.currentLocation().getByteOffset();
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new MalformedRecordException("event has content after its JSON object (" + describe(trailing) + ")");
            }
            return start == 0 && end == value.length ? value : Arrays.copyOfRange(value, start, end);
        } catch (IOException e) {
            throw new MalformedRecordException("event is not valid JSON: " + firstLine(e.getMessage()), e);
        }
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

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
