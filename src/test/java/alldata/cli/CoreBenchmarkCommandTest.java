package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code alldata bench-core} refuses a run it could not measure, with one clear line. */
class CoreBenchmarkCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--seconds 0      | --seconds must be more than 0",
            "--seconds -1     | --seconds must be more than 0",
            "--seconds NaN    | --seconds must be more than 0",
            "--event-size -1  | --event-size must not be negative",
    })
    void refusesABadRunWithOneClearLine(String args, String message) {
        String[] words = args.trim().split("\\s+");
        CliRun r = CliRun.of("bench-core", words[0], words[1]);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(message);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
    }
}
