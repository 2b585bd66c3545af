package alldata.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScanRequestTest {
    @Test
    void theQueryNamesWhatIsSetEncodedAndNothingElse() {
        assertThat(new ScanRequest(null, null, 10, false, null, false).query()).isEqualTo("limit=10");
        ScanRequest r = new ScanRequest("20261125", "2026 11", 500, true, null, true);
        assertThat(r.query()).isEqualTo("limit=500&from=20261125&to=2026+11&newest=true&local=true");
        assertThat(r.withCursor("a_b-c").query()).contains("&cursor=a_b-c").startsWith("limit=500&from=20261125");
        assertThat(r.withCursor("c").withCursor(null)).isEqualTo(r);
    }
}
