package alldata.sidecar.http;

import java.util.Objects;

/**
 * What a health probe answers: whether the node passes it, and one line saying why (an operator acts
 * on it, so a failing one names the part that fails and what to do).
 *
 * @param healthy true when the probe passes (HTTP 200), false otherwise (HTTP 503)
 * @param detail  one line for an operator
 */
public record Health(boolean healthy, String detail) {
    public Health {
        Objects.requireNonNull(detail, "detail");
    }

    public static Health passing(String detail) {
        return new Health(true, detail);
    }

    public static Health failing(String detail) {
        return new Health(false, detail);
    }
}
