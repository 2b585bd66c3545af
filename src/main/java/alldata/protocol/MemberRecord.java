package alldata.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A node's entry in the compacted membership topic (keyed by node id; a tombstone means the node is gone for
 * good: dropped by an operator or decommissioned).
 *
 * <p>Compatibility: {@code incarnation} and {@code incarnationStartMs} are absent in records of nodes that
 * predate them (read as {@code null} and 0); a state this version does not know is read as LEAVING (not live).
 *
 * @param node               node id
 * @param zone               zone within the region
 * @param region             region
 * @param commandTopic       the node's command topic
 * @param http               the node's HTTP address ({@code host:port})
 * @param state              UP; LEAVING while it cannot take replicas or after it stopped; DRAINING while it is
 *                           being decommissioned
 * @param heartbeatMs        when the node wrote this record (epoch ms)
 * @param https              whether the HTTP API speaks HTTPS; written only when true, so an absent field (older
 *                           nodes too) means plain HTTP
 * @param incarnation        the id of the node's store: a new one each time the node starts on an empty store
 *                           ({@code null} from nodes that predate incarnations)
 * @param incarnationStartMs when that store started empty: events stored elsewhere before this time are not on
 *                           this node, whatever their plans say (0 when the store holds everything it was sent)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberRecord(String node, String zone, String region, String commandTopic, String http,
                           State state, long heartbeatMs,
                           @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean https, String incarnation,
                           long incarnationStartMs) {
    /** A member's state. */
    public enum State {
        /** Takes replicas and coordinates. */
        UP,
        /** Takes no new replicas: shutting down, stopped, or its store or writer is failing. */
        @JsonEnumDefaultValue
        LEAVING,
        /** Being decommissioned: takes no new replicas, still serves the ones it holds while it moves them away. */
        DRAINING
    }

    public MemberRecord {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(state, "state");
    }

    /** A member whose HTTP API speaks plain HTTP, without an incarnation (tests, and nodes that predate them). */
    public MemberRecord(String node, String zone, String region, String commandTopic, String http, State state,
                        long heartbeatMs) {
        this(node, zone, region, commandTopic, http, state, heartbeatMs, false, null, 0);
    }

    public MemberRecord withState(State next, long nowMs) {
        return new MemberRecord(node, zone, region, commandTopic, http, next, nowMs, https, incarnation,
                incarnationStartMs);
    }

    /**
     * Whether this record was written less than {@code sessionTimeoutMs} before {@code nowMs} (by its writer's clock,
     * against the reader's): its node was heard from lately, whatever its state.
     */
    public boolean heardWithin(long sessionTimeoutMs, long nowMs) {
        return nowMs - heartbeatMs < sessionTimeoutMs;
    }

    /** Live: UP and {@link #heardWithin heard from} within the session, so coordinators place replicas on it. */
    public boolean liveWithin(long sessionTimeoutMs, long nowMs) {
        return state == State.UP && heardWithin(sessionTimeoutMs, nowMs);
    }

    /** The base URL of the node's HTTP API ({@code http://host:port} or {@code https://…}), or null when it has none. */
    public String httpUrl() {
        return http == null ? null : (https ? "https://" : "http://") + http;
    }
}
