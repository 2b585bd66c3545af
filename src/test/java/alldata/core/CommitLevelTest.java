package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommitLevelTest {

    @ParameterizedTest(name = "QUORUM of RF {0} needs {1}")
    @CsvSource({"1, 1", "2, 2", "3, 2", "4, 3", "5, 3"})
    void quorumIsAMajorityOfTheReplicationFactor(int rf, int required) {
        assertThat(CommitLevel.QUORUM.required(rf)).isEqualTo(required);
    }

    @ParameterizedTest(name = "RF {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 9})
    void oneAlwaysNeedsOne(int rf) {
        assertThat(CommitLevel.ONE.required(rf)).isEqualTo(1);
    }

    @ParameterizedTest(name = "RF {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 9})
    void allNeedsTheReplicationFactor(int rf) {
        assertThat(CommitLevel.ALL.required(rf)).isEqualTo(rf);
    }

    @Test
    void replicationFactorZeroIsRejected() {
        assertThatThrownBy(() -> CommitLevel.QUORUM.required(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource({"one, ONE", "One, ONE", "quorum, QUORUM", "QuOrUm, QUORUM", "ALL, ALL", "all, ALL", "' all ', ALL"})
    void parseIgnoresCaseAndSurroundingBlanks(String text, CommitLevel expected) {
        assertThat(CommitLevel.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"MOST", "TWO", "quorum!", "", "  "})
    void parseRejectsUnknownNamesNamingTheAcceptedOnes(String text) {
        assertThatThrownBy(() -> CommitLevel.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ONE").hasMessageContaining("QUORUM").hasMessageContaining("ALL");
    }

    @Test
    void parseRejectsNullNamingTheAcceptedLevels() {
        assertThatThrownBy(() -> CommitLevel.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ONE, QUORUM, ALL");
    }

    @Test
    void parseErrorQuotesTheRejectedText() {
        assertThatThrownBy(() -> CommitLevel.parse("MOST")).hasMessageContaining("'MOST'");
    }
}
