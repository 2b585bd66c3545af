package alldata.core;

import java.util.Objects;

/**
 * A storage node the coordinator may place replicas on. The coordinator only knows the id; the host
 * (a transport) keeps whatever addressing data the id stands for.
 *
 * @param id unique, non-blank peer id
 */
public record Peer(String id) {
    public Peer {
        Objects.requireNonNull(id, "peer id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("peer id must not be blank");
        }
    }
}
