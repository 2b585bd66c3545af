package alldata.http;

import java.util.Optional;

/** The one rule for the cluster's {@code http.auth.token} on the client side: a blank token is no token. */
public final class BearerToken {
    private BearerToken() {
    }

    /**
     * The token to send, without surrounding blanks (the server strips them from the header too); empty when
     * {@code token} is absent or blank, so that no {@code Authorization} header is sent at all.
     */
    public static Optional<String> of(Optional<String> token) {
        return token.map(String::strip).filter(t -> !t.isEmpty());
    }

    /** As {@link #of(Optional)}, for a value that may be null (an unset option or variable). */
    public static Optional<String> of(String token) {
        return of(Optional.ofNullable(token));
    }
}
