package alldata.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A node's entry in the compacted membership topic (keyed by node id; a tombstone means gone).
 *
 * @param node         node id
 * @param zone         zone within the region
 * @param region       region
 * @param commandTopic the node's command topic
 * @param http         the node's HTTP address ({@code host:port})
 * @param state        UP, or LEAVING during a clean shutdown
 * @param heartbeatMs  when the node wrote this record (epoch ms)
 * @param https        whether the HTTP API speaks HTTPS; written only when true, so an absent field (older nodes
 *                     too) means plain HTTP
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberRecord(String node, String zone, String region, String commandTopic, String http,
                           State state, long heartbeatMs,
                           @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean https) {
    /** A member's state. */
    public enum State { UP, LEAVING }

    public MemberRecord {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(state, "state");
    }

    /** A member whose HTTP API speaks plain HTTP. */
    public MemberRecord(String node, String zone, String region, String commandTopic, String http, State state,
                        long heartbeatMs) {
        this(node, zone, region, commandTopic, http, state, heartbeatMs, false);
    }

    public MemberRecord withState(State next, long nowMs) {
        return new MemberRecord(node, zone, region, commandTopic, http, next, nowMs, https);
    }

    /** The base URL of the node's HTTP API ({@code http://host:port} or {@code https://…}), or null when it has none. */
    public String httpUrl() {
        return http == null ? null : (https ? "https://" : "http://") + http;
    }
}
