package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
    void eventsAreJsonObjectsOfExactlyTheAskedSize() throws Exception {
        for (int size : new int[] {BenchCommand.MIN_EVENT_SIZE, 11, 200, 4096}) {
            byte[] e = BenchCommand.event(size);
            assertThat(e).hasSize(size);
            assertThat(alldata.protocol.Wire.eventObject(e)).isEqualTo(e);
            assertThat(new String(e, StandardCharsets.US_ASCII)).startsWith("{\"pad\":\"");
        }
    }
}
