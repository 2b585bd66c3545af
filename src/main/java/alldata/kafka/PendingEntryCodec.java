package alldata.kafka;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON form of a {@link PendingEntry} in the changelogged {@code pending-puts} store. Only record
 * components are written (derived values such as {@code isDone()} are not), so the core needs no
 * serialization annotations.
 */
final class PendingEntryCodec {
    private final ObjectMapper mapper = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    byte[] encode(PendingEntry e) {
        try {
            return mapper.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot encode pending put " + e.put().key(), ex);
        }
    }

    PendingEntry decode(byte[] bytes) {
        try {
            return mapper.readValue(bytes, PendingEntry.class);
        } catch (IOException ex) {
            throw new MalformedRecordException("corrupt pending-puts entry: " + ex.getMessage(), ex);
        }
    }
}
