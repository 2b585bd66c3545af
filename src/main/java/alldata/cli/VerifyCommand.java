package alldata.cli;

import alldata.client.HttpReader;
import alldata.client.TopicReader;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.MemberRecord;
import alldata.protocol.PutOutcome;
import alldata.protocol.ScanRequest;
import alldata.protocol.Wire;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alldata verify}: compares every outcome on the results topic with what the nodes actually
 * store (read through their HTTP APIs), and lists under-replicated and missing events.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check every COMMITTED outcome against the nodes' stores (via HTTP).",
                "Lists missing and under-replicated events, replicas whose bytes differ,",
                "and ingest records with contradictory outcomes (outcomes are read",
                "read_committed; an identical repeat is counted, not a problem).",
                "Exit code: 0 all good; 1 a COMMITTED event has fewer than its required",
                "replicas, or another inconsistency; 2 bad usage."})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--node", description = "A node's HTTP address as ID=HOST:PORT (repeatable); default: every node in the membership topic.")
    Map<String, String> nodes;

    @Option(names = "--max-listed", defaultValue = "20", description = "List at most this many problem events (default ${DEFAULT-VALUE}).")
    int maxListed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What verify found; also used by tests. */
    record Report(int committed, int failed, int underReplicated, int belowReplicationFactor, int missing,
                  int differingBytes, int repeated, int contradictory, List<String> problems) {
        boolean ok() {
            return underReplicated == 0 && missing == 0 && differingBytes == 0 && contradictory == 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> config = kafka.clientConfig();
        Map<String, String> http = nodes != null ? nodes : httpAddresses(config);
        if (http.isEmpty()) {
            spec.commandLine().getErr().println("error: no nodes known: none in " + kafka.topics().membership() + " and no --node given");
            return 2;
        }
        Map<String, Map<String, byte[]>> stored = new TreeMap<>();
        for (Map.Entry<String, String> n : http.entrySet()) {
            try {
                stored.put(n.getKey(), readAll(n.getValue()));
            } catch (Exception e) {
                out.printf("warning: node %s at %s not readable (%s): its replicas count as missing%n", n.getKey(), n.getValue(),
                        e.getMessage());
                stored.put(n.getKey(), Map.of());
            }
        }
        Report r = check(readOutcomes(config), stored, maxListed);
        out.printf("nodes read:               %s%n", stored.keySet());
        out.printf("committed events:         %d%n", r.committed());
        out.printf("failed events:            %d%n", r.failed());
        out.printf("under-replicated:         %d (fewer replicas than their commit level required)%n", r.underReplicated());
        out.printf("below replication factor: %d (level met, fewer than RF copies)%n", r.belowReplicationFactor());
        out.printf("missing:                  %d (committed, stored nowhere)%n", r.missing());
        out.printf("differing bytes:          %d%n", r.differingBytes());
        out.printf("repeated outcomes:        %d (identical; at_least_once may repeat one after a crash)%n", r.repeated());
        out.printf("contradictory outcomes:   %d (one ingest record, different key, status or replicas)%n", r.contradictory());
        r.problems().forEach(p -> out.println("  " + p));
        out.println(r.ok() ? "OK" : "PROBLEMS FOUND");
        out.flush();
        return r.ok() ? 0 : 1;
    }

    static Report check(List<PutOutcome> outcomes, Map<String, Map<String, byte[]>> stored, int maxListed) {
        Map<String, PutOutcome> committed = new LinkedHashMap<>();
        Map<String, PutOutcome> firstOutcomeAt = new HashMap<>();
        int failed = 0;
        int repeated = 0;
        int contradictory = 0;
        List<String> problems = new ArrayList<>();
        for (PutOutcome o : outcomes) {
            if (o.ingest() != null) {
                String position = o.ingest().partition() + "-" + o.ingest().offset();
                PutOutcome first = firstOutcomeAt.putIfAbsent(position, o);
                if (first != null && first.sameAs(o)) {
                    repeated++;
                } else if (first != null) {
                    contradictory++;
                    add(problems, maxListed, "ingest " + position + " has contradictory outcomes: " + summary(first)
                            + " and " + summary(o));
                }
            }
            if (o.status() != PutOutcome.Status.COMMITTED) {
                failed++;
                continue;
            }
            committed.putIfAbsent(o.key(), o);
        }
        int under = 0;
        int belowRf = 0;
        int missing = 0;
        int differing = 0;
        for (PutOutcome o : committed.values()) {
            List<String> holders = new ArrayList<>();
            byte[] first = null;
            boolean same = true;
            for (Map.Entry<String, Map<String, byte[]>> node : stored.entrySet()) {
                byte[] b = node.getValue().get(o.key());
                if (b != null) {
                    holders.add(node.getKey());
                    if (first == null) {
                        first = b;
                    } else if (!Arrays.equals(first, b)) {
                        same = false;
                    }
                }
            }
            if (!same) {
                differing++;
                add(problems, maxListed, o.key() + ": replicas hold different bytes on " + holders);
            }
            if (holders.isEmpty()) {
                missing++;
                add(problems, maxListed, o.key() + ": MISSING (committed at " + o.commitLevel() + ", stored nowhere)");
            } else if (holders.size() < o.required()) {
                under++;
                add(problems, maxListed, o.key() + ": UNDER-REPLICATED, " + holders.size() + " of " + o.required()
                        + " required (" + o.commitLevel() + "), on " + holders);
            } else if (holders.size() < o.replicas().size() - countReplaced(o)) {
                belowRf++;
            }
        }
        return new Report(committed.size(), failed, under, belowRf, missing, differing, repeated, contradictory, problems);
    }

    private static String summary(PutOutcome o) {
        return o.status() + " " + (o.key() == null ? "(no key)" : o.key()) + " on " + o.replicas();
    }

    /** Replicas that were re-placed do not count towards the expected copies. */
    private static int countReplaced(PutOutcome o) {
        return Math.max(0, o.replicas().size() - Math.max(o.required(), Math.min(o.replicas().size(), o.acked().size())));
    }

    private static void add(List<String> problems, int max, String p) {
        if (problems.size() < max) {
            problems.add(p);
        }
    }

    private List<PutOutcome> readOutcomes(Map<String, Object> config) {
        List<PutOutcome> outcomes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readTopic(config, kafka.topics().results())) {
            try {
                outcomes.add(Wire.decode(r.value(), PutOutcome.class));
            } catch (MalformedRecordException e) {
                spec.commandLine().getErr().println("warning: skipping unreadable result at offset " + r.offset());
            }
        }
        return outcomes;
    }

    private Map<String, String> httpAddresses(Map<String, Object> config) {
        Map<String, String> http = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readTopic(config, kafka.topics().membership())) {
            String node = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                continue; // a tombstone: the node left cleanly, its last address stays useful
            }
            MemberRecord m = Wire.decode(r.value(), MemberRecord.class);
            if (m.http() != null) {
                http.put(node, m.httpUrl()); // https:// for a node that speaks it
            }
        }
        return http;
    }

    static List<ConsumerRecord<byte[], byte[]>> readTopic(Map<String, Object> config, String topic) {
        return TopicReader.readToEnd(config, topic, Duration.ofMinutes(2));
    }

    /**
     * Every event a node's own store holds ({@code local=true}: not what its peers hold), following the cursors of
     * its scan API. Events come in their scan-line form (line breaks as spaces), the same on every node.
     */
    static Map<String, byte[]> readAll(String address) throws Exception {
        return readAll(address, 10_000);
    }

    /** The same, {@code page} events per request. */
    static Map<String, byte[]> readAll(String address, int page) throws Exception {
        HttpReader reader = new HttpReader(address, Optional.ofNullable(System.getenv("ALLDATA_HTTP_AUTH_TOKEN")),
                Duration.ofSeconds(60));
        ScanRequest scan = new ScanRequest(null, null, page, false, null, true);
        Map<String, byte[]> all = new HashMap<>();
        String cursor;
        do {
            cursor = reader.page(scan, e -> all.put(e.key(), e.event())).next();
            scan = scan.withCursor(cursor);
        } while (cursor != null);
        return all;
    }
}
