package alldata.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.AllDataKey;
import alldata.protocol.MemberRecord;
import alldata.protocol.ScanLines;
import alldata.sidecar.membership.PeerDirectory;
import alldata.store.ReplicaWrite;
import alldata.store.RocksReplicaStore;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans stream: a page's events go out as they are merged, so the heap a scan holds does not grow with the page.
 * Heap is measured after a forced GC (what is still reachable), at several points of a scan read incrementally,
 * with bounds generous enough for a busy machine and far below what a buffered page would hold.
 */
class ScanMemoryTest {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    private final List<RocksReplicaStore> stores = new ArrayList<>();
    private final List<HttpApi> apis = new ArrayList<>();

    @AfterEach
    void stop() {
        apis.forEach(HttpApi::close);
        stores.forEach(RocksReplicaStore::close);
    }

    /** {@code nodes} nodes; event i of {@code count} ({@code size} bytes) is on node i % nodes only. */
    private void start(int nodes, int count, int size, HttpOptions options) throws Exception {
        List<PeerDirectory> directories = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            stores.add(RocksReplicaStore.open(dir.resolve("node-" + n), new RocksReplicaStore.Options(false)));
        }
        byte[] pad = new byte[size - 20];
        Arrays.fill(pad, (byte) 'x');
        List<List<ReplicaWrite>> batches = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            batches.add(new ArrayList<>());
        }
        for (int i = 0; i < count; i++) {
            String head = "{\"i\":" + (1_000_000 + i) + ",\"p\":\""; // 17 bytes
            byte[] event = new byte[size];
            System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, event, 0, head.length());
            System.arraycopy(pad, 0, event, head.length(), size - head.length() - 2);
            event[size - 2] = '"';
            event[size - 1] = '}';
            List<ReplicaWrite> batch = batches.get(i % nodes);
            batch.add(new ReplicaWrite(AllDataKey.ingest(1_790_000_000_000L + i, 0, i).value(), event, null));
            if (batch.size() * (long) size >= 16 * MIB) {
                stores.get(i % nodes).write(batch);
                batch.clear();
            }
        }
        for (int n = 0; n < nodes; n++) {
            stores.get(n).write(batches.get(n));
        }
        for (int n = 0; n < nodes; n++) {
            PeerDirectory d = new PeerDirectory("node-" + n, "a", "r", 3_600_000, System::currentTimeMillis);
            directories.add(d);
            apis.add(new HttpApi(options, stores.get(n), d, () -> alldata.sidecar.http.Health.passing("ready"), () -> ""));
        }
        for (PeerDirectory d : directories) {
            for (int n = 0; n < nodes; n++) {
                d.apply("node-" + n, new MemberRecord("node-" + n, "a", "r", "t", apis.get(n).address(),
                        MemberRecord.State.UP, System.currentTimeMillis()));
            }
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 2; i++) {
            MEMORY.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private InputStream open(int node, String query) throws Exception {
        HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://" + apis.get(node).address() + "/events?" + query)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void aPageOfOneHundredThousandEventsOfOneKibibyteIsStreamed() throws Exception {
        // pages as large as the scan, so that the whole range is one response (about 110 MB of JSON lines)
        start(2, 100_000, 1024, HttpOptions.plain("127.0.0.1", 0).withPeerTimeout(Duration.ofSeconds(60))
                .withMaxPageBytes(1L << 30));
        long before = heapAfterGc();
        long peak = 0;
        int events = 0;
        ScanLines.Line last = null;
        try (ScanLines.Reader r = new ScanLines.Reader(open(0, "limit=100000"), 1 << 20)) {
            for (ScanLines.Line l = r.next(); l != null; l = r.next()) {
                last = l;
                if (l instanceof ScanLines.Event && ++events % 20_000 == 0) {
                    peak = Math.max(peak, heapAfterGc() - before);
                }
            }
        }
        assertThat(events).isEqualTo(100_000);
        assertThat(last).isInstanceOf(ScanLines.Event.class); // the whole range: no next line
        assertThat(peak).as("heap held during the scan (MiB), after GC").isLessThan(64 * MIB);
    }

    @Test
    void sixConcurrentScansOfLargeEventsLeaveEveryNodeServing() throws Exception {
        int count = 300;
        start(3, count, 1 << 20, HttpOptions.plain("127.0.0.1", 0).withPeerTimeout(Duration.ofSeconds(60)));
        long before = heapAfterGc();
        AtomicBoolean scanning = new AtomicBoolean(true);
        AtomicLong healthAnswers = new AtomicLong();
        AtomicLong peak = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            List<Future<Integer>> scans = new ArrayList<>();
            for (int s = 0; s < 6; s++) {
                int node = s % 3;
                scans.add(pool.submit(() -> readAll(node)));
            }
            Future<?> health = pool.submit(() -> {
                while (scanning.get()) {
                    for (HttpApi api : apis) {
                        // a node that stopped serving fails the probe: no answer within the request's timeout
                        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + api.address()
                                + "/health/ready")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).isEqualTo(200);
                        healthAnswers.incrementAndGet();
                    }
                    peak.accumulateAndGet(heapAfterGc() - before, Math::max);
                    TimeUnit.MILLISECONDS.sleep(200); // a probe's interval, not a wait for a condition
                }
                return null;
            });
            for (Future<Integer> f : scans) {
                assertThat(f.get(10, TimeUnit.MINUTES)).isEqualTo(count);
            }
            scanning.set(false);
            health.get(1, TimeUnit.MINUTES);
        } finally {
            scanning.set(false);
            pool.shutdownNow();
        }
        // streamed, each scan holds a few events per node (1 MiB arrays take a 2 MiB G1 region each); pages without
        // the byte cap would be whole 300 MB ranges, six of them on each node
        assertThat(peak.get()).as("heap held during six scans (bytes), after GC").isLessThan(512 * MIB);
        assertThat(healthAnswers.get()).as("health answers during the scans").isGreaterThanOrEqualTo(apis.size());
    }

    /** Every event of the range from {@code node}, following the cursors, reading each page incrementally. */
    private int readAll(int node) throws Exception {
        int events = 0;
        String cursor = null;
        do {
            String c = cursor;
            cursor = null;
            try (ScanLines.Reader r = new ScanLines.Reader(open(node, "limit=1000" + (c == null ? "" : "&cursor=" + c)),
                    2 << 20)) {
                for (ScanLines.Line l = r.next(); l != null; l = r.next()) {
                    if (l instanceof ScanLines.End end) {
                        assertThat(end.error()).isNull();
                        cursor = end.next();
                    } else {
                        events++;
                    }
                }
            }
        } while (cursor != null);
        return events;
    }
}
