package alldata.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A get of one event as a node's HTTP API is asked for it: {@code GET} {@link #pathAndQuery()}. The answer is the
 * event's bytes (200), or one line saying why not: 404 not held, 410 its put FAILED.
 *
 * @param key   the event's key
 * @param local only the asked node's own store (what nodes ask each other), not the whole cluster
 */
public record GetRequest(String key, boolean local) {
    public GetRequest {
        Objects.requireNonNull(key, "key");
    }

    /** {@code /events/<key, encoded>}, with {@code ?local=true} for a node-local get. */
    public String pathAndQuery() {
        return "/events/" + URLEncoder.encode(key, StandardCharsets.UTF_8) + (local ? "?local=true" : "");
    }
}
