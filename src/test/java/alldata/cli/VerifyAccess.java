package alldata.cli;

import alldata.client.HttpReader;
import alldata.protocol.ScanRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Test access to what one node's own store holds, through its HTTP API. */
public final class VerifyAccess {
    private VerifyAccess() {
    }

    /**
     * Every event a node's own store holds ({@code local=true}: not what its peers hold), following the cursors of
     * its scan API. Events come in their scan-line form (line breaks as spaces), the same on every node.
     */
    public static Map<String, byte[]> readAll(String httpAddress) throws Exception {
        HttpReader reader = new HttpReader(httpAddress, Optional.ofNullable(System.getenv("ALLDATA_HTTP_AUTH_TOKEN")),
                Duration.ofSeconds(60));
        ScanRequest scan = new ScanRequest(null, null, 10_000, false, null, true);
        Map<String, byte[]> all = new HashMap<>();
        String cursor;
        do {
            cursor = reader.page(scan, e -> all.put(e.key(), e.event())).next();
            scan = scan.withCursor(cursor);
        } while (cursor != null);
        return all;
    }
}
