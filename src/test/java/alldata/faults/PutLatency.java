package alldata.faults;

import alldata.client.TopicReader;
import alldata.protocol.ClientDefaults;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Put latency as a user measures it: the first outcome's record timestamp minus its ingest record's,
 * over every ingest record that has an outcome. Reported by the fault scenarios, never asserted: speed is measured,
 * not tested.
 *
 * @param count  ingest records with an outcome
 * @param p50Ms  median
 * @param p99Ms  99th percentile
 * @param maxMs  the slowest
 */
record PutLatency(int count, long p50Ms, long p99Ms, long maxMs) {

    @Override
    public String toString() {
        return String.format("put latency over %d outcomes: p50 %,d ms, p99 %,d ms, max %,d ms", count, p50Ms, p99Ms, maxMs);
    }

    /** Reads the ingest and results topics to their ends ({@code read_committed}, as clients read results). */
    static PutLatency measure(String bootstrap, Topics topics) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap);
        Map<String, Long> ingestAt = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(ClientDefaults.resultsConsumer(config), topics.ingest(),
                Duration.ofMinutes(2))) {
            ingestAt.put(r.partition() + "-" + r.offset(), r.timestamp());
        }
        Map<String, Long> outcomeAt = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(ClientDefaults.resultsConsumer(config), topics.results(),
                Duration.ofMinutes(2))) {
            PutOutcome o = Wire.decode(r.value(), PutOutcome.class);
            outcomeAt.putIfAbsent(o.ingest().partition() + "-" + o.ingest().offset(), r.timestamp());
        }
        return of(ingestAt, outcomeAt);
    }

    /**
     * @param ingestAt  ingest record timestamps by position ({@code <partition>-<offset>})
     * @param outcomeAt the first outcome's record timestamp by the position it answers
     */
    static PutLatency of(Map<String, Long> ingestAt, Map<String, Long> outcomeAt) {
        long[] ms = outcomeAt.entrySet().stream().filter(e -> ingestAt.containsKey(e.getKey()))
                .mapToLong(e -> Math.max(0, e.getValue() - ingestAt.get(e.getKey()))).sorted().toArray();
        if (ms.length == 0) {
            return new PutLatency(0, 0, 0, 0);
        }
        return new PutLatency(ms.length, percentile(ms, 50), percentile(ms, 99), ms[ms.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    private static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static PutLatency of(List<Long> latencies) {
        Map<String, Long> in = new HashMap<>();
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i < latencies.size(); i++) {
            in.put("0-" + i, 0L);
            out.put("0-" + i, latencies.get(i));
        }
        return of(in, out);
    }
}
