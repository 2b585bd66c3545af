package alldata.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alldata.core.AllDataKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScanCursorTest {
    @Test
    void aCursorNamesTheLastKeyAndNeedsNoEscaping() {
        String key = AllDataKey.ingest(1_790_000_000_000L, 3, 1234).value();
        String cursor = ScanCursor.after(key);
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(ScanCursor.lastKey(cursor)).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "%%%", "not a cursor", "a2V5", "MjAyNjA5MjFUMTQxMzIwMDAw"})
    void anythingElseIsRefusedSayingWhatToPass(String cursor) {
        assertThatThrownBy(() -> ScanCursor.lastKey(cursor)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed cursor").hasMessageContaining("\"next\" value");
    }
}
