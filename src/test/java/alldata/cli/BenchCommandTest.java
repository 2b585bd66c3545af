package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.core.CommitLevel;
import alldata.dev.BenchOptions;
import alldata.dev.LoadShape;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code alldata bench} refuses a run that could not measure what it says, before it starts anything. */
class BenchCommandTest {

    private static CliRun bench(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--events 0                          | --events must be at least 1",
            "--nodes 0 --replication-factor 1    | --nodes must be at least 1",
            "--partitions 0                      | --partitions must be at least 1",
            "--window 0                          | --window must be at least 1",
            "--window 0 --rate 100               | --window must be at least 1",
            "--rate 0                            | --rate must be a positive number of events per second, not 0.0",
            "--rate -5                           | --rate must be a positive number of events per second, not -5.0",
            "--rate NaN                          | --rate must be a positive number of events per second, not NaN",
            "--rate Infinity                     | --rate must be a positive number of events per second, not Infinity",
            "--warmup -1                         | --warmup must not be negative",
            "--nodes 2                           | --replication-factor 3 needs at least as many --nodes",
            "--event-size 5                      | --event-size must be at least 10 bytes",
            "--event-size 2000000                | over the sidecars' max.event.bytes 1048576",
            "--event-size 600 --set max.event.bytes=500 | over the sidecars' max.event.bytes 500",
            "--set replication.factor=x          | replication.factor",
    })
    void refusesABadRunWithOneClearLine(String args, String message) {
        CliRun r = bench(args.trim().split("\\s+"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(message);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anUnknownCommitLevelIsAUsageError() {
        CliRun r = bench("--commit-level", "MOST");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--commit-level").contains("MOST").contains("ONE, QUORUM, ALL");
    }

    @Test
    void aRateThatIsNoNumberIsAUsageError() {
        CliRun r = bench("--rate", "fast");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--rate").contains("fast");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theOptionsReachTheRunAsAsked() {
        BenchOptions o = parse("--events", "4000", "--event-size", "300", "--nodes", "5", "--replication-factor", "2",
                "--commit-level", "all", "--partitions", "4", "--window", "50", "--rate", "2500", "--warmup", "7",
                "--set", "commit.interval.ms=200", "--streams-floor", "--data-dir", "/tmp/somewhere");
        assertThat(o).isEqualTo(new BenchOptions(4000, 300, 5, 2, CommitLevel.ALL, 4, LoadShape.open(2500, 50), 7, 0,
                null, Path.of("/tmp/somewhere"), Map.of("commit.interval.ms", "200"), true, false));
    }

    @Test
    void withoutRateTheLoadIsAClosedWindowAndTheWarmupAQuarterOfTheEvents() {
        BenchOptions o = parse("--events", "2000", "--window", "30");
        assertThat(o.load()).isEqualTo(LoadShape.closed(30));
        assertThat(o.warmup()).isEqualTo(500);
        assertThat(o.streamsFloor()).isFalse();
        assertThat(o.commitLevel()).isEqualTo(CommitLevel.QUORUM);
    }

    private static BenchOptions parse(String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return command.options();
    }
}
