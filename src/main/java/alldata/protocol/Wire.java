package alldata.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON wire formats of DESIGN.md §2. Events travel raw: the {@code event} field of a {@code _put}
 * holds the producer's bytes unchanged, and decoding cuts exactly those bytes back out of the command,
 * so every replica stores what was produced, never a re-serialized copy.
 */
public final class Wire {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
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

    /** Encodes a {@code _put} command with the event embedded raw. */
    public static byte[] encode(PutCommand c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(c.event().length + 160);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("key", c.key());
            g.writeFieldName("event");
            g.writeRawValue(new String(c.event(), StandardCharsets.UTF_8));
            g.writeStringField("coordinator", c.coordinator());
            g.writeNumberField("attempt", c.attempt());
            g.writeNumberField("ackPartition", c.ackPartition());
            g.writeArrayFieldStart("replicas");
            for (String r : c.replicas()) {
                g.writeString(r);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode command for key " + c.key(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a {@code _put} command; the event comes back as the exact bytes inside the command.
     *
     * @throws MalformedRecordException when it is not a command
     */
    public static PutCommand decodeCommand(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedRecordException("command is null");
        }
        String key = null;
        byte[] event = null;
        String coordinator = null;
        int attempt = 1;
        int ackPartition = -1;
        List<String> replicas = new ArrayList<>(3);
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedRecordException("command is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "key" -> key = p.getValueAsString();
                    case "coordinator" -> coordinator = p.getValueAsString();
                    case "attempt" -> attempt = p.getIntValue();
                    case "ackPartition" -> ackPartition = p.getIntValue();
                    case "event" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw new MalformedRecordException("command's event is not a JSON object");
                        }
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                        event = Arrays.copyOfRange(bytes, start, (int) p.currentLocation().getByteOffset());
                    }
                    case "replicas" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw new MalformedRecordException("command's replicas is not an array");
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            replicas.add(p.getValueAsString());
                        }
                    }
                    default -> p.skipChildren(); // unknown fields are ignored
                }
            }
        } catch (IOException e) {
            throw new MalformedRecordException("command is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (key == null || event == null || coordinator == null || ackPartition < 0) {
            throw new MalformedRecordException("command lacks key, event, coordinator or ackPartition");
        }
        return new PutCommand(key, event, coordinator, attempt, ackPartition, replicas);
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
