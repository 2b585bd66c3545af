package alldata.client;

import alldata.protocol.DigestReport;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.RepairLines;
import alldata.protocol.RepairStatus;
import alldata.protocol.Wire;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Talks to the repair endpoints of nodes' HTTP APIs ({@code /repair/...}, {@code /admin/decommission}), sending a
 * bearer token when one is given.
 */
public final class RepairClient {
    /** Key lines asked for per request when listing a range. */
    static final int KEY_PAGE = 50_000;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final Optional<String> bearerToken;
    private final int keyPage;

    public RepairClient(Optional<String> bearerToken) {
        this(bearerToken, KEY_PAGE);
    }

    RepairClient(Optional<String> bearerToken, int keyPage) {
        this.bearerToken = bearerToken;
        this.keyPage = keyPage;
    }

    /** What the node's repair does. */
    public RepairStatus status(String address) throws IOException, InterruptedException {
        return decode(send(address, "GET", "/repair/status", null, Duration.ofSeconds(10)), RepairStatus.class);
    }

    /**
     * Asks the node to decommission itself.
     *
     * @throws IllegalStateException with the node's reason when it refuses
     */
    public RepairStatus decommission(String address) throws IOException, InterruptedException {
        return decode(send(address, "POST", "/admin/decommission", new byte[0], Duration.ofSeconds(30)), RepairStatus.class);
    }

    /** The node's interval digests of [from, to), counted from its data; changes nothing on the node. */
    public DigestReport digests(String address, String from, String to) throws IOException, InterruptedException {
        return decode(send(address, "GET", "/repair/digests?" + range(from, to), null, Duration.ofMinutes(10)),
                DigestReport.class);
    }

    /**
     * As {@link #digests}, and the node resyncs the digests it keeps with its data where they drifted, so that the
     * drift it reports now is not reported again.
     */
    public DigestReport resyncDigests(String address, String from, String to) throws IOException, InterruptedException {
        return decode(send(address, "POST", "/repair/digests?" + range(from, to), new byte[0], Duration.ofMinutes(10)),
                DigestReport.class);
    }

    /** The events the node holds in [from, to) whose plan names {@code peer} (every event when null). */
    public List<RepairLines.KeyLine> keys(String address, String from, String to, String peer)
            throws IOException, InterruptedException {
        List<RepairLines.KeyLine> all = new ArrayList<>();
        String after = null;
        while (true) {
            String start = after == null ? range(from, to)
                    : "after=" + URLEncoder.encode(after, StandardCharsets.UTF_8) + "&to=" + (to == null ? "" : URLEncoder.encode(to, StandardCharsets.UTF_8));
            String path = "/repair/keys?" + start + "&limit=" + keyPage
                    + (peer == null ? "" : "&peer=" + URLEncoder.encode(peer, StandardCharsets.UTF_8));
            List<RepairLines.KeyLine> page = RepairLines.parseKeyLines(new String(
                    send(address, "GET", path, null, Duration.ofMinutes(5)), StandardCharsets.UTF_8));
            all.addAll(page);
            if (page.size() < keyPage) {
                return all;
            }
            after = page.get(page.size() - 1).key();
        }
    }

    /** Asks the node to repair {@code keys} now; one line per key says what it did. */
    public List<String> repair(String address, List<String> keys) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += RepairLines.MAX_KEYS) {
            String body = new String(send(address, "POST", "/repair/events",
                    RepairLines.keys(keys.subList(i, Math.min(keys.size(), i + RepairLines.MAX_KEYS))), Duration.ofMinutes(10)),
                    StandardCharsets.UTF_8);
            body.lines().filter(l -> !l.isBlank()).forEach(lines::add);
        }
        return lines;
    }

    private static String range(String from, String to) {
        return "from=" + (from == null ? "" : URLEncoder.encode(from, StandardCharsets.UTF_8))
                + "&to=" + (to == null ? "" : URLEncoder.encode(to, StandardCharsets.UTF_8));
    }

    private byte[] send(String address, String method, String path, byte[] body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl(address) + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        bearerToken.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        HttpRequest request = b.build();
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // callers print the message beside the node's address: say why in words, not the JDK's class name or nothing
            String why = ConnectFailure.reason(e, request.uri().getHost(), CONNECT_TIMEOUT).orElse(null);
            throw why == null ? e : new IOException(why, e);
        }
        if (r.statusCode() == 409) {
            throw new IllegalStateException(new String(r.body(), StandardCharsets.UTF_8).strip());
        }
        if (r.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + r.statusCode() + " from " + address + path + ": "
                    + new String(r.body(), StandardCharsets.UTF_8).strip());
        }
        return r.body();
    }

    /** {@code host:port} means plain HTTP; a URL ({@code https://host:port}) is taken as it is. */
    private static String baseUrl(String address) {
        return address.startsWith("http://") || address.startsWith("https://") ? address : "http://" + address;
    }

    private static <T> T decode(byte[] body, Class<T> type) throws IOException {
        try {
            return Wire.decode(body, type);
        } catch (MalformedRecordException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
