package alldata.faults;

import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * After a run: every record on the ingest topic, every outcome on the results topic and every node's
 * store, compared. "Lost" is a valid ingested event with no COMMITTED outcome, or a COMMITTED event on
 * fewer nodes than its level required; "two keys" is one ingest record stored under two keys.
 */
record Ledger(int eventsIn, int valid, int committed, int failed, int lost, int twoKeys, int underReplicated,
              List<String> problems) {

    @Override
    public String toString() {
        return String.format("events in %d (valid %d), committed %d, failed %d, lost %d, stored under two keys %d, "
                + "under-replicated %d%s", eventsIn, valid, committed, failed, lost, twoKeys, underReplicated,
                problems.isEmpty() ? "" : ", e.g. " + problems.subList(0, Math.min(5, problems.size())));
    }

    /** Valid ingest records are JSON objects the test produced; {@code isValid} tells which. */
    static Ledger check(String bootstrap, Topics topics, ProcessCluster cluster,
                        java.util.function.Predicate<byte[]> isValid) throws Exception {
        Map<String, byte[]> ingest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topics.ingest())) {
            ingest.put(r.partition() + "-" + r.offset(), r.value());
        }
        Map<String, Set<String>> keysOf = new HashMap<>();
        Map<String, PutOutcome> committedOf = new HashMap<>();
        Set<String> failedAt = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topics.results())) {
            PutOutcome o = Wire.decode(r.value(), PutOutcome.class);
            String at = o.ingest().partition() + "-" + o.ingest().offset();
            if (o.committed()) {
                keysOf.computeIfAbsent(at, k -> new HashSet<>()).add(o.key());
                committedOf.putIfAbsent(at, o);
            } else {
                failedAt.add(at);
            }
        }
        Map<String, Map<String, byte[]>> stores = cluster.allStoredEvents();
        int valid = 0;
        int lost = 0;
        int two = 0;
        int under = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : ingest.entrySet()) {
            boolean ok = isValid.test(e.getValue());
            valid += ok ? 1 : 0;
            PutOutcome o = committedOf.get(e.getKey());
            if (ok && o == null) {
                lost++;
                problems.add("ingest " + e.getKey() + " has no COMMITTED outcome" + (failedAt.contains(e.getKey()) ? " (FAILED)" : ""));
            }
            if (keysOf.getOrDefault(e.getKey(), Set.of()).size() > 1) {
                two++;
                problems.add("ingest " + e.getKey() + " under keys " + keysOf.get(e.getKey()));
            }
            if (o != null) {
                int copies = 0;
                for (Map<String, byte[]> s : stores.values()) {
                    byte[] b = s.get(o.key());
                    if (b != null && new String(b, StandardCharsets.UTF_8).equals(new String(e.getValue(), StandardCharsets.UTF_8).strip())) {
                        copies++;
                    }
                }
                if (copies < o.required()) {
                    under++;
                    problems.add(o.key() + " on " + copies + " of " + o.required() + " required nodes");
                }
            }
        }
        return new Ledger(ingest.size(), valid, committedOf.size(), failedAt.size(), lost + under, two, under, problems);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic) {
        return alldata.client.TopicReader.readToEnd(Map.<String, Object>of("bootstrap.servers", bootstrap), topic, Duration.ofMinutes(2));
    }
}
