package alldata.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Bytes of a record (an event, a value, a key) put into a JSON object for people and scripts, saying how:
 * as the JSON they already are, as text, or as base64. Each bytes field {@code f} comes with a field
 * {@code fEncoding}: {@code "json"}, {@code "text"} or {@code "base64"}.
 */
public final class JsonBytes {
    /** Bytes that are one JSON value in UTF-8, embedded as that value. */
    public static final String JSON = "json";
    /** UTF-8 bytes that are not JSON, as a JSON string. */
    public static final String TEXT = "text";
    /** Anything else, as a base64 string (RFC 4648, with padding). */
    public static final String BASE64 = "base64";

    private JsonBytes() {
    }

    /**
     * Puts {@code bytes} as field {@code field} of {@code node}: embedded as JSON when they are one JSON value
     * in strict UTF-8, else as base64. Line breaks between JSON tokens become spaces (they are insignificant
     * there, and a JSON line must not contain one); every other byte stays as produced.
     */
    public static void putJsonOrBase64(ObjectNode node, String field, byte[] bytes) {
        Optional<String> json = utf8(bytes).filter(JsonBytes::isOneJsonValue);
        if (json.isPresent()) {
            node.put(field + "Encoding", JSON);
            node.putRawValue(field, new RawValue(json.get().replace('\r', ' ').replace('\n', ' ')));
        } else {
            node.put(field + "Encoding", BASE64);
            node.put(field, Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** Puts {@code bytes} as field {@code field} of {@code node}: a string when they are strict UTF-8, else base64. */
    public static void putTextOrBase64(ObjectNode node, String field, byte[] bytes) {
        Optional<String> text = utf8(bytes);
        node.put(field + "Encoding", text.isPresent() ? TEXT : BASE64);
        node.put(field, text.orElseGet(() -> Base64.getEncoder().encodeToString(bytes)));
    }

    /** {@code bytes} decoded as strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), if they are. */
    public static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** True when {@code text} is exactly one JSON value, whitespace around it allowed. */
    static boolean isOneJsonValue(String text) {
        try (JsonParser p = Wire.json().getFactory().createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false; // not JSON, or beyond the parser's limits (e.g. nesting): shown as base64
        }
    }
}
