package alldata.client;

import alldata.protocol.AckFormat;
import alldata.protocol.ClientDefaults;
import alldata.protocol.CommandFormat;
import alldata.protocol.JsonBytes;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.Topics;
import alldata.protocol.Wire;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows one AllData topic and turns each record into one line of JSON for people and scripts
 * ({@code alldata tail}). Every line carries {@code topic}, {@code partition}, {@code offset} and
 * {@code timestamp}, the record key when it has one, and its {@code value}:
 * <ul>
 *   <li>commands and acks, binary on the wire: decoded ({@link CommandFormat#toJson}, {@link AckFormat#toJson});
 *       a record that does not decode comes as base64 with the {@code error} that stopped it;</li>
 *   <li>results and membership, JSON on the wire: as they are ({@code "valueEncoding":"json"}); a membership
 *       tombstone as {@code "value":null,"tombstone":true};</li>
 *   <li>ingest and dead letters: the value as text when it is UTF-8, else base64 (see {@link JsonBytes}), and
 *       the record's {@code alldata-*} headers.</li>
 * </ul>
 * Results are read {@code read_committed}: an outcome of an aborted transaction is not an outcome. No
 * consumer group is joined and no offset committed.
 */
public final class TopicTail {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final String HEADER_PREFIX = "alldata-";

    /** What an AllData topic holds, which says how its records are decoded. */
    public enum Kind { INGEST, COMMANDS, ACKS, RESULTS, MEMBERSHIP, DEAD_LETTER }

    /**
     * A topic to tail.
     *
     * @param topic its full name
     * @param kind  what it holds
     */
    public record Target(String topic, Kind kind) {
        public Target {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(kind, "kind");
        }
    }

    private TopicTail() {
    }

    /**
     * The topic {@code name} stands for: a short name ({@code ingest}, {@code acks}, {@code results},
     * {@code membership}, {@code dead-letter}, {@code commands:<node>}) or a full topic name, both under
     * {@code topics}' prefix.
     *
     * @throws IllegalArgumentException naming the names it knows, when {@code name} is none of them
     */
    public static Target resolve(Topics topics, String name) {
        String commandsPrefix = topics.prefix() + "node.";
        String commandsSuffix = ".commands";
        if (name.startsWith("commands:") && name.length() > "commands:".length()) {
            return new Target(topics.commands(name.substring("commands:".length())), Kind.COMMANDS);
        }
        if (name.startsWith(commandsPrefix) && name.endsWith(commandsSuffix)
                && name.length() > commandsPrefix.length() + commandsSuffix.length()) {
            return new Target(name, Kind.COMMANDS);
        }
        Map<String, Target> known = Map.of(
                "ingest", new Target(topics.ingest(), Kind.INGEST),
                "acks", new Target(topics.acks(), Kind.ACKS),
                "results", new Target(topics.results(), Kind.RESULTS),
                "membership", new Target(topics.membership(), Kind.MEMBERSHIP),
                "dead-letter", new Target(topics.deadLetter(), Kind.DEAD_LETTER));
        Target shortName = known.get(name);
        if (shortName != null) {
            return shortName;
        }
        for (Target t : known.values()) {
            if (t.topic().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is no AllData topic under prefix '" + topics.prefix()
                + "': use ingest, acks, results, membership, dead-letter or commands:<node>, or a full name such as "
                + topics.results() + " (--topic-prefix sets the prefix)");
    }

    /**
     * Where a tail starts and when it stops.
     *
     * @param fromBeginning start at each partition's first record; else at its end, printing only what comes next
     * @param untilEnd      stop at the end each partition has when the tail starts (with {@code fromBeginning}:
     *                      print what is there, then stop); else follow
     * @param max           stop after this many records; {@link Long#MAX_VALUE} for no limit
     */
    public record Options(boolean fromBeginning, boolean untilEnd, long max) {
        public Options {
            if (max < 1) {
                throw new IllegalArgumentException("max must be at least 1, got " + max);
            }
        }
    }

    /**
     * Prints {@code target}'s records to {@code lines}, one JSON line each, until {@code options} say stop or
     * {@code keepGoing} does.
     *
     * @param config Kafka client settings (bootstrap servers, security)
     * @return the records printed
     * @throws IllegalStateException when the topic does not exist
     */
    public static long follow(Map<String, Object> config, Target target, Options options, Consumer<String> lines,
                              BooleanSupplier keepGoing) {
        Map<String, Object> settings = target.kind() == Kind.RESULTS ? ClientDefaults.resultsConsumer(config)
                : new HashMap<>(config);
        settings.put("enable.auto.commit", false);
        long printed = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(target.topic(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(target.topic(), p.partition())).toList();
            if (parts.isEmpty()) {
                throw new IllegalStateException("topic " + target.topic() + " does not exist at "
                        + config.get("bootstrap.servers"));
            }
            c.assign(parts);
            if (options.fromBeginning()) {
                c.seekToBeginning(parts);
            } else {
                c.seekToEnd(parts);
            }
            parts.forEach(c::position); // fix the start now, not at the first poll
            // read_committed (results): the end is the last stable offset, past which nothing is visible yet
            Map<TopicPartition, Long> end = options.untilEnd() ? c.endOffsets(parts) : Map.of();
            while (printed < options.max() && keepGoing.getAsBoolean()
                    && (!options.untilEnd() || parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    lines.accept(describe(target.kind(), r).toString());
                    if (++printed == options.max()) {
                        break;
                    }
                }
            }
        }
        return printed;
    }

    /** One record of a topic of {@code kind} as JSON (see the class comment). */
    public static ObjectNode describe(Kind kind, ConsumerRecord<byte[], byte[]> r) {
        ObjectNode line = Wire.json().createObjectNode().put("topic", r.topic()).put("partition", r.partition())
                .put("offset", r.offset()).put("timestamp", r.timestamp());
        if (r.key() != null) {
            Optional<String> key = JsonBytes.utf8(r.key());
            line.put("key", key.orElseGet(() -> Base64.getEncoder().encodeToString(r.key())));
            if (key.isEmpty()) {
                line.put("keyEncoding", JsonBytes.BASE64);
            }
        }
        if (r.value() == null) {
            line.putNull("value");
            line.put("tombstone", true);
            return line;
        }
        switch (kind) {
            case COMMANDS -> decoded(line, r.value(), () -> CommandFormat.toJson(CommandFormat.decode(r.value())));
            case ACKS -> decoded(line, r.value(), () -> AckFormat.toJson(AckFormat.decode(r.value())));
            case RESULTS, MEMBERSHIP -> JsonBytes.putJsonOrBase64(line, "value", r.value());
            case INGEST, DEAD_LETTER -> {
                JsonBytes.putTextOrBase64(line, "value", r.value());
                ObjectNode headers = Wire.json().createObjectNode();
                for (Header h : r.headers()) {
                    if (h.key().startsWith(HEADER_PREFIX) && h.value() != null) {
                        Optional<String> text = JsonBytes.utf8(h.value());
                        if (text.isPresent()) {
                            headers.put(h.key(), text.get());
                        } else {
                            headers.putObject(h.key()).put(JsonBytes.BASE64, Base64.getEncoder().encodeToString(h.value()));
                        }
                    }
                }
                if (!headers.isEmpty()) {
                    line.set("headers", headers);
                }
            }
        }
        return line;
    }

    private interface Decoder {
        ObjectNode decode();
    }

    private static void decoded(ObjectNode line, byte[] value, Decoder decoder) {
        try {
            line.set("value", decoder.decode());
        } catch (MalformedRecordException e) {
            line.put("error", e.getMessage());
            line.put("valueEncoding", JsonBytes.BASE64);
            line.put("value", Base64.getEncoder().encodeToString(value));
        }
    }
}
