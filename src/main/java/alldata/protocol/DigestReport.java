package alldata.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node's interval digests over a time range ({@code GET /repair/digests?from=&to=}, JSON), counted from the
 * data it holds: per hour interval, per node named in the plans of its events ({@code "*"}: all of them), the
 * count and XOR of the events' hashes. {@code alldata repair check} compares node A's entry for B with B's entry
 * for A.
 *
 * @param node      the node
 * @param intervals interval → node → digest
 * @param drift     intervals where the digests the node kept while writing differ from the recount: events were
 *                  lost or changed behind the store's back (a deleted file, a key deleted by hand)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DigestReport(String node, Map<String, Map<String, Entry>> intervals, List<String> drift) {
    /**
     * @param count events
     * @param xor   XOR of their hashes, 16 hex digits
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(long count, String xor) {
    }

    public DigestReport {
        Objects.requireNonNull(node, "node");
        intervals = intervals == null ? Map.of() : Map.copyOf(intervals);
        drift = drift == null ? List.of() : List.copyOf(drift);
    }
}
