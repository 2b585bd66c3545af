package alldata.client;

import alldata.http.NodeAnswer;
import alldata.http.NodeClient;
import alldata.http.NodeRequest;
import alldata.protocol.DigestReport;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.RepairLines;
import alldata.protocol.RepairStatus;
import alldata.protocol.Wire;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Talks to the repair endpoints of nodes' HTTP APIs ({@code /repair/...}, {@code /admin/decommission}) through a
 * {@link NodeClient} (its token, trust and connect timeout); each endpoint waits for its answer as long as the work
 * behind it takes. A node that cannot be connected to fails with an {@link IOException} whose message says why in
 * words ("connection refused"), for callers that print it beside the node's address.
 */
public final class RepairClient {
    /** Key lines asked for per request when listing a range. */
    static final int KEY_PAGE = 50_000;

    private final NodeClient client;
    private final int keyPage;

    public RepairClient(NodeClient client) {
        this(client, KEY_PAGE);
    }

    RepairClient(NodeClient client, int keyPage) {
        this.client = Objects.requireNonNull(client, "client");
        this.keyPage = keyPage;
    }

    /** What the node's repair does. */
    public RepairStatus status(String address) throws IOException {
        return decode(send(address, NodeRequest.get("/repair/status").within(Duration.ofSeconds(10))), RepairStatus.class);
    }

    /**
     * Asks the node to decommission itself.
     *
     * @throws IllegalStateException with the node's reason when it refuses
     */
    public RepairStatus decommission(String address) throws IOException {
        return decode(send(address, NodeRequest.post("/admin/decommission", new byte[0]).within(Duration.ofSeconds(30))),
                RepairStatus.class);
    }

    /** The node's interval digests of [from, to), counted from its data; changes nothing on the node. */
    public DigestReport digests(String address, String from, String to) throws IOException {
        return decode(send(address, NodeRequest.get("/repair/digests?" + range(from, to))
                .within(Duration.ofMinutes(10))), DigestReport.class);
    }

    /**
     * As {@link #digests}, and the node resyncs the digests it keeps with its data where they drifted, so that the
     * drift it reports now is not reported again.
     */
    public DigestReport resyncDigests(String address, String from, String to) throws IOException {
        return decode(send(address, NodeRequest.post("/repair/digests?" + range(from, to), new byte[0])
                .within(Duration.ofMinutes(10))), DigestReport.class);
    }

    /** The events the node holds in [from, to) whose plan names {@code peer} (every event when null). */
    public List<RepairLines.KeyLine> keys(String address, String from, String to, String peer)
            throws IOException {
        List<RepairLines.KeyLine> all = new ArrayList<>();
        String after = null;
        while (true) {
            String start = after == null ? range(from, to)
                    : "after=" + URLEncoder.encode(after, StandardCharsets.UTF_8) + "&to=" + (to == null ? "" : URLEncoder.encode(to, StandardCharsets.UTF_8));
            String path = "/repair/keys?" + start + "&limit=" + keyPage
                    + (peer == null ? "" : "&peer=" + URLEncoder.encode(peer, StandardCharsets.UTF_8));
            List<RepairLines.KeyLine> page = RepairLines.parseKeyLines(new String(
                    send(address, NodeRequest.get(path).within(Duration.ofMinutes(5))), StandardCharsets.UTF_8));
            all.addAll(page);
            if (page.size() < keyPage) {
                return all;
            }
            after = page.get(page.size() - 1).key();
        }
    }

    /** Asks the node to repair {@code keys} now; one line per key says what it did. */
    public List<String> repair(String address, List<String> keys) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += RepairLines.MAX_KEYS) {
            byte[] batch = RepairLines.keys(keys.subList(i, Math.min(keys.size(), i + RepairLines.MAX_KEYS)));
            String body = new String(send(address, NodeRequest.post("/repair/events", batch)
                    .within(Duration.ofMinutes(10))), StandardCharsets.UTF_8);
            body.lines().filter(l -> !l.isBlank()).forEach(lines::add);
        }
        return lines;
    }

    private static String range(String from, String to) {
        return "from=" + (from == null ? "" : URLEncoder.encode(from, StandardCharsets.UTF_8))
                + "&to=" + (to == null ? "" : URLEncoder.encode(to, StandardCharsets.UTF_8));
    }

    /**
     * The body of the node's 2xx answer.
     *
     * @throws IllegalStateException with the node's reason when it refuses (409)
     * @throws IOException           when it cannot be reached (the message says why), or answers another status
     */
    private byte[] send(String address, NodeRequest request) throws IOException {
        try (NodeAnswer a = client.send(address, request)) {
            if (a.status() == 409) {
                throw new IllegalStateException(a.text());
            }
            if (a.status() / 100 != 2) {
                throw new IOException("HTTP " + a.status() + " from " + a.base() + request.pathAndQuery() + ": " + a.text());
            }
            return a.bytes();
        }
    }

    private static <T> T decode(byte[] body, Class<T> type) throws IOException {
        try {
            return Wire.decode(body, type);
        } catch (MalformedRecordException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
