package alldata.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PutLatencyTest {
    @Test
    void percentilesAreNearestRankOverTheOutcomesThatHaveAnIngestRecord() {
        List<Long> ms = new ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            ms.add(i);
        }
        PutLatency l = PutLatency.of(ms);
        assertThat(l).isEqualTo(new PutLatency(100, 50, 99, 100));
    }

    @Test
    void latencyIsTheOutcomeTimestampMinusTheIngestTimestamp() {
        PutLatency l = PutLatency.of(Map.of("0-0", 1_000L, "0-1", 2_000L), Map.of("0-0", 1_250L, "0-1", 2_010L, "9-9", 5L));
        assertThat(l).isEqualTo(new PutLatency(2, 10, 250, 250));
    }
}
