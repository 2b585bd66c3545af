package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyTimeTest {
    @ParameterizedTest
    @CsvSource({
            "2026, 2026-01-01T00:00:00Z",
            "202611, 2026-11-01T00:00:00Z",
            "20261125, 2026-11-25T00:00:00Z",
            "20261125T04, 2026-11-25T04:00:00Z",
            "20261125T0415, 2026-11-25T04:15:00Z",
            "20261125T041530, 2026-11-25T04:15:30Z",
            "20261125T041530123, 2026-11-25T04:15:30.123Z",
            "2026-11-25T04:15:30Z, 2026-11-25T04:15:30Z",
            "2026-11-25T05:15:30+01:00, 2026-11-25T04:15:30Z",
            "2026-11-25, 2026-11-25T00:00:00Z"})
    void keyPrefixesAndIsoTimesAreAccepted(String text, String instant) {
        assertThat(KeyTime.parse(text)).isEqualTo(Instant.parse(instant));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026112", "20261125T4", "20261125X04", "20261332", "20261125T25", "1764000000"})
    void anythingElseIsRefusedNamingTheForms(String text) {
        assertThatThrownBy(() -> KeyTime.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20261125T04");
    }

    @ParameterizedTest
    @ValueSource(strings = {"20261125T04", "2026-11-25T04:00:00Z"})
    void theKeyBoundIsTheFullTimePrefix(String text) {
        assertThat(KeyTime.keyBound(KeyTime.parse(text))).isEqualTo("20261125T040000000");
    }
}
