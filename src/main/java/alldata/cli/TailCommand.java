package alldata.cli;

import alldata.client.TopicTail;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code alldata tail TOPIC}: any AllData topic's records as JSON lines. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print an AllData topic's records as decoded JSON lines.",
                "Commands and acks field by field, results and membership as they are, ingest",
                "and dead letters as text (base64 when not UTF-8) with their alldata-* headers.",
                "Each line has topic, partition, offset and timestamp. Starts at the end and",
                "follows; results are read read_committed.",
                "TOPIC: ingest, acks, results, membership, dead-letter, commands:<node>, or a",
                "full topic name (under --topic-prefix).",
                "Exit code: 0 done (--max or --until-end reached); 1 the topic does not",
                "exist, or Kafka cannot be reached; 2 bad usage."})
final class TailCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic: a short name or a full name.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at each partition's first record instead of its end.")
    boolean fromBeginning;

    @Option(names = "--until-end", description = {"Stop at the end the topic has when tail starts (with",
            "--from-beginning: print what is there, then exit)."})
    boolean untilEnd;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records (default: follow until stopped).")
    Long max;

    @Mixin
    ReachTimeout timeout;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (max != null && max < 1) {
            throw new IllegalArgumentException("--max must be at least 1, got " + max);
        }
        TopicTail.Target target = TopicTail.resolve(kafka.topics(), topic);
        TopicTail.Options options = new TopicTail.Options(fromBeginning, untilEnd, max == null ? Long.MAX_VALUE : max);
        PrintWriter out = spec.commandLine().getOut();
        TopicTail.follow(kafka.connect(timeout.value), target, options, line -> {
            out.println(line);
            out.flush(); // a follower reads each line as it comes
        }, () -> !Thread.currentThread().isInterrupted());
        return 0;
    }
}
