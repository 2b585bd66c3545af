package alldata.dev;

import alldata.protocol.Ack;
import alldata.protocol.AckBatch;
import alldata.protocol.AckFormat;
import alldata.protocol.AckRecord;
import alldata.protocol.ClientDefaults;
import alldata.protocol.CommandFormat;
import alldata.protocol.CommandRecord;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.OutcomeJson;
import alldata.protocol.PutBatch;
import alldata.protocol.PutCommand;
import alldata.protocol.PutOutcome;
import alldata.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where a put's time goes, hop by hop, read from the topics themselves (no coordinator instrumentation): every
 * record's timestamp is its producer's clock at send, and every producer runs in the bench's JVM, so the
 * timestamps of one put's ingest record, first command record, first replica ack and outcome, and the moment
 * a {@code read_committed} reader sees that outcome, split its latency into:
 * <ol>
 *   <li><b>ingest→command</b>: the coordinator's fetch of the ingest record, validation, key, plan, local write
 *       start, and the command batch's send;</li>
 *   <li><b>command→ack</b>: the replica writer's fetch of the command, the synced store write, the ack's send;</li>
 *   <li><b>ack→decided</b>: the coordinator's fetch of the ack and the outcome's publication;</li>
 *   <li><b>decided→visible</b>: the transaction commit (with exactly-once) and the reader's fetch.</li>
 * </ol>
 * For the slowest 1 % of puts it also prints each hop's mean, which says which hop holds the tail. Off unless
 * {@code bench --trace-hops}: it keeps one small entry per put in memory.
 */
final class HopTrace implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> uncommitted;
    private final KafkaConsumer<byte[], byte[]> committed;
    private final Topics topics;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** ingest partition → offset → record timestamp. */
    private final Map<Integer, Map<Long, Long>> ingestSent = new HashMap<>();
    private final Map<String, Long> firstCommand = new HashMap<>();
    private final Map<String, Long> firstAck = new HashMap<>();
    private final List<Visible> outcomes = new ArrayList<>();
    private volatile RuntimeException failure;

    private record Visible(PutOutcome outcome, long decidedMs, long visibleMs) {
    }

    private HopTrace(String servers, Topics topics, List<String> nodes) {
        this.topics = topics;
        // both read as an outcome's reader does (its fetch wait, no group); commands and acks are written outside
        // transactions, so the raw topics are read uncommitted like their own consumers read them
        Map<String, Object> readCommitted = ClientDefaults.resultsConsumer(Map.of("bootstrap.servers", servers));
        Map<String, Object> plain = new HashMap<>(readCommitted);
        plain.put("isolation.level", "read_uncommitted");
        this.uncommitted = new KafkaConsumer<>(plain, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.committed = new KafkaConsumer<>(readCommitted, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<String> raw = new ArrayList<>(List.of(topics.ingest(), topics.acks()));
        nodes.forEach(n -> raw.add(topics.commands(n)));
        assignAtEnd(uncommitted, raw);
        assignAtEnd(committed, List.of(topics.results()));
        this.thread = new Thread(this::run, "alldata-bench-hop-trace");
        thread.setDaemon(true);
    }

    /** Starts reading every topic of a put from its current end. */
    static HopTrace start(String servers, Topics topics, List<String> nodes) {
        HopTrace t = new HopTrace(servers, topics, nodes);
        t.thread.start();
        return t;
    }

    private static void assignAtEnd(KafkaConsumer<byte[], byte[]> consumer, List<String> topicNames) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : topicNames) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(p -> consumer.position(p, Duration.ofSeconds(30))); // resolve the end now, not lazily mid-run
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : uncommitted.poll(Duration.ofMillis(5))) {
                    onRaw(r);
                }
                for (ConsumerRecord<byte[], byte[]> r : committed.poll(Duration.ofMillis(5))) {
                    long now = System.currentTimeMillis();
                    try {
                        PutOutcome o = OutcomeJson.decode(r.value());
                        synchronized (this) {
                            outcomes.add(new Visible(o, r.timestamp(), now));
                        }
                    } catch (MalformedRecordException e) {
                        // not an outcome of ours
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private synchronized void onRaw(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        if (topic.equals(topics.ingest())) {
            ingestSent.computeIfAbsent(r.partition(), p -> new HashMap<>()).put(r.offset(), r.timestamp());
            return;
        }
        try {
            if (topic.equals(topics.acks())) {
                AckRecord ack = AckFormat.decode(r.value());
                if (ack instanceof AckBatch b) {
                    for (Ack a : b.acks()) {
                        firstAck.merge(a.key(), r.timestamp(), Math::min);
                    }
                }
                return;
            }
            CommandRecord c = CommandFormat.decode(r.value());
            if (c instanceof PutBatch b) {
                for (PutCommand p : b.puts()) {
                    firstCommand.merge(p.key(), r.timestamp(), Math::min);
                }
            }
        } catch (MalformedRecordException e) {
            // a record of another kind says nothing about a put's hops
        }
    }

    /** Waits until {@code outcomes} outcomes were seen (bounded), then prints the breakdown. */
    String report(long expectedOutcomes, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (seen() < expectedOutcomes && System.nanoTime() < deadline && failure == null) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        if (failure != null) {
            return "hop trace failed: " + failure;
        }
        return breakdown();
    }

    private synchronized int seen() {
        return outcomes.size();
    }

    private synchronized String breakdown() {
        String[] names = {"ingest->command", "command->ack", "ack->decided", "decided->visible", "total"};
        Histogram[] hist = new Histogram[names.length];
        for (int i = 0; i < hist.length; i++) {
            hist[i] = new Histogram(3);
        }
        List<long[]> traced = new ArrayList<>(outcomes.size());
        for (Visible v : outcomes) {
            PutOutcome o = v.outcome();
            if (o.key() == null || o.ingest() == null || !o.committed()) {
                continue;
            }
            Long sent = ingestSent.getOrDefault(o.ingest().partition(), Map.of()).get(o.ingest().offset());
            Long command = firstCommand.get(o.key());
            Long ack = firstAck.get(o.key());
            if (sent == null || command == null || ack == null) {
                continue;
            }
            long[] hops = {command - sent, ack - command, v.decidedMs() - ack, v.visibleMs() - v.decidedMs(),
                    v.visibleMs() - sent};
            traced.add(hops);
            for (int i = 0; i < hops.length; i++) {
                hist[i].recordValue(Math.max(0, hops[i]));
            }
        }
        if (traced.isEmpty()) {
            return "hop trace: no put could be traced";
        }
        long tailFrom = hist[4].getValueAtPercentile(99);
        double[] tailSum = new double[names.length];
        int tail = 0;
        for (long[] hops : traced) {
            if (hops[4] >= tailFrom) {
                tail++;
                for (int i = 0; i < hops.length; i++) {
                    tailSum[i] += hops[i];
                }
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "hops of %d puts (ms; record timestamps; the slowest 1 %%: %d puts of >= %d ms):%n", traced.size(), tail,
                tailFrom));
        sb.append(String.format(Locale.ROOT, "  %-18s %7s %7s %7s %7s %12s%n", "hop", "p50", "p90", "p99", "max", "slowest-1%"));
        for (int i = 0; i < names.length; i++) {
            sb.append(String.format(Locale.ROOT, "  %-18s %7d %7d %7d %7d %12.1f%n", names[i],
                    hist[i].getValueAtPercentile(50), hist[i].getValueAtPercentile(90), hist[i].getValueAtPercentile(99),
                    hist[i].getMaxValue(), tailSum[i] / tail));
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
        uncommitted.close();
        committed.close();
    }
}
