package alldata.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A replica's answer to a {@code _put}: {@code OK} (stored, or already stored with the same bytes),
 * {@code CONFLICT} (a different event is stored under the key) or {@code ERROR}.
 *
 * @param key     the AllData key
 * @param node    the answering node
 * @param status  the answer
 * @param message what went wrong, for CONFLICT and ERROR ({@code null} for OK)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ack(String key, String node, Status status, String message) {
    /** A replica's answer, with the stable code it has on the wire. */
    public enum Status {
        OK(1), CONFLICT(2), ERROR(3);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        /** The status's code in the binary formats (never the ordinal). */
        public int code() {
            return code;
        }

        /** The status with wire code {@code code}. */
        public static Status ofCode(int code) {
            for (Status s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new MalformedRecordException("unknown ack status code " + code);
        }
    }

    public Ack {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
    }

    public static Ack ok(String key, String node) {
        return new Ack(key, node, Status.OK, null);
    }

    /** {@code node} holds a different event under {@code key} and kept it. */
    public static Ack conflict(String key, String node) {
        return new Ack(key, node, Status.CONFLICT, "node " + node + " holds a different event under key " + key);
    }

    /** {@code node} could not store the event. */
    public static Ack error(String key, String node, String message) {
        return new Ack(key, node, Status.ERROR, message);
    }
}
