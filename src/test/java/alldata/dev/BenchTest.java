package alldata.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchTest {

    @Test
    void eventsAreJsonObjectsOfExactlyTheAskedSize() throws Exception {
        for (int size : new int[] {Bench.MIN_EVENT_SIZE, 11, 200, 4096}) {
            byte[] e = Bench.event(size);
            assertThat(e).hasSize(size);
            assertThat(alldata.protocol.Wire.json().readTree(e).isObject()).isTrue();
            assertThat(new String(e, StandardCharsets.US_ASCII)).startsWith("{\"pad\":\"");
        }
    }

    @Test
    void theDefaultWarmupIsAQuarterOfTheEventsBetween100And20000() {
        assertThat(BenchOptions.defaultWarmup(1)).isEqualTo(100);
        assertThat(BenchOptions.defaultWarmup(2000)).isEqualTo(500);
        assertThat(BenchOptions.defaultWarmup(1_000_000)).isEqualTo(20_000);
    }
}
