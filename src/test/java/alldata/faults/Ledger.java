package alldata.faults;

import alldata.client.TopicReader;
import alldata.protocol.ClientDefaults;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * After a run: every record on the ingest topic, every outcome on the results topic (read
 * {@code read_committed}, as clients read it) and every node's store, compared per ingest position.
 *
 * <p>Every outcome of a position is kept, so that a second one can fail a test: under
 * {@code exactly_once_v2} there must be exactly one; under {@code at_least_once} a repeat must be
 * identical (same key, status and replica set), else it is a contradiction.
 *
 * @param eventsIn        records on the ingest topic
 * @param valid           of them, events the test expects to commit
 * @param outcomes        outcome records on the results topic
 * @param committed       ingest positions with a COMMITTED outcome
 * @param failed          ingest positions with a FAILED outcome
 * @param lost            valid events without a COMMITTED outcome, plus under-replicated ones
 * @param underReplicated COMMITTED events stored byte-identical on fewer nodes than their level required
 * @param repeated        ingest positions with more than one outcome, all identical
 * @param contradictory   ingest positions whose outcomes differ in key, status or replica set
 * @param strays          outcomes naming an ingest position that holds no record
 * @param problems        examples, one line each
 */
record Ledger(int eventsIn, int valid, int outcomes, int committed, int failed, int lost, int underReplicated,
              int repeated, int contradictory, int strays, List<String> problems) {

    @Override
    public String toString() {
        return String.format("events in %d (valid %d), outcomes %d, committed %d, failed %d, lost %d, under-replicated %d,"
                        + " repeated outcomes %d, contradictory outcomes %d, stray outcomes %d%s",
                eventsIn, valid, outcomes, committed, failed, lost, underReplicated, repeated, contradictory, strays,
                problems.isEmpty() ? "" : ", e.g. " + problems.subList(0, Math.min(5, problems.size())));
    }

    /** True when every ingest position has at most one outcome and no outcome names a position that does not exist. */
    boolean atMostOneOutcomeEach() {
        return repeated == 0 && contradictory == 0 && strays == 0;
    }

    /**
     * @param isValid which ingest values the test produced as events that must commit
     */
    static Ledger check(String bootstrap, Topics topics, ProcessCluster cluster, Predicate<byte[]> isValid) throws Exception {
        Map<String, byte[]> ingest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topics.ingest())) {
            ingest.put(position(r.partition(), r.offset()), r.value());
        }
        List<PutOutcome> outcomes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topics.results())) {
            outcomes.add(Wire.decode(r.value(), PutOutcome.class));
        }
        return of(ingest, outcomes, cluster.allStoredEvents(), isValid);
    }

    /**
     * @param ingest   ingest values by position ({@code <partition>-<offset>})
     * @param outcomes every outcome on the results topic
     * @param stores   every node's events by key
     */
    static Ledger of(Map<String, byte[]> ingest, List<PutOutcome> outcomes, Map<String, Map<String, byte[]>> stores,
                     Predicate<byte[]> isValid) {
        Map<String, List<PutOutcome>> outcomesAt = new HashMap<>();
        for (PutOutcome o : outcomes) {
            outcomesAt.computeIfAbsent(position(o.ingest().partition(), o.ingest().offset()), k -> new ArrayList<>()).add(o);
        }
        List<String> problems = new ArrayList<>();
        int valid = 0;
        int committed = 0;
        int failed = 0;
        int lost = 0;
        int under = 0;
        int repeated = 0;
        int contradictory = 0;
        int strays = 0;
        for (Map.Entry<String, List<PutOutcome>> e : outcomesAt.entrySet()) {
            if (!ingest.containsKey(e.getKey())) {
                strays++;
                problems.add("outcome for ingest " + e.getKey() + ", which holds no record: " + e.getValue().get(0));
            }
        }
        for (Map.Entry<String, byte[]> e : ingest.entrySet()) {
            String at = e.getKey();
            boolean expected = isValid.test(e.getValue());
            valid += expected ? 1 : 0;
            List<PutOutcome> os = outcomesAt.getOrDefault(at, List.of());
            PutOutcome first = os.isEmpty() ? null : os.get(0);
            if (os.size() > 1) {
                if (os.stream().allMatch(first::sameAs)) {
                    repeated++;
                    problems.add("ingest " + at + " has " + os.size() + " identical outcomes");
                } else {
                    contradictory++;
                    problems.add("ingest " + at + " has contradictory outcomes " + os);
                }
            }
            boolean isCommitted = first != null && first.committed();
            committed += isCommitted ? 1 : 0;
            failed += first != null && !first.committed() ? 1 : 0;
            if (expected && !isCommitted) {
                lost++;
                problems.add("ingest " + at + (first == null ? " has no outcome" : " FAILED: " + first.error()));
            }
            if (isCommitted) {
                int copies = copies(stores, first.key(), strip(e.getValue()));
                if (copies < first.required()) {
                    under++;
                    problems.add(first.key() + " on " + copies + " of " + first.required() + " required nodes");
                }
            }
        }
        return new Ledger(ingest.size(), valid, outcomes.size(), committed, failed, lost + under, under, repeated,
                contradictory, strays, problems);
    }

    /** Nodes holding exactly {@code event} under {@code key}. */
    private static int copies(Map<String, Map<String, byte[]>> stores, String key, byte[] event) {
        int copies = 0;
        for (Map<String, byte[]> s : stores.values()) {
            if (Arrays.equals(s.get(key), event)) {
                copies++;
            }
        }
        return copies;
    }

    /** The event as stored: the produced value without surrounding JSON whitespace. */
    private static byte[] strip(byte[] value) {
        int from = 0;
        int to = value.length;
        while (from < to && isJsonSpace(value[from])) {
            from++;
        }
        while (to > from && isJsonSpace(value[to - 1])) {
            to--;
        }
        return Arrays.copyOfRange(value, from, to);
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static String position(int partition, long offset) {
        return partition + "-" + offset;
    }

    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic) {
        return TopicReader.readToEnd(ClientDefaults.resultsConsumer(Map.of("bootstrap.servers", bootstrap)), topic,
                Duration.ofMinutes(2));
    }
}
