package alldata.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench-core} measures every case and leaves a given directory in place. No speed is asserted. */
class CoreBenchTest {

    @Test
    void measuresEveryCase(@TempDir Path dir) throws Exception {
        List<CoreBench.Case> cases = new ArrayList<>();
        CoreBench.run(200, 0.02, dir, cases::add);
        assertThat(cases).extracting(CoreBench.Case::name).containsExactly("placements (11 peers, RF 3, strategy 2/1)",
                "PendingPut transitions (start + 3 stored)", "store writes, 1 WAL sync per batch of 1",
                "store writes, 1 WAL sync per batch of 100", "store writes, 1 WAL sync per batch of 1000");
        assertThat(cases).allSatisfy(c -> assertThat(c.perSecond()).isPositive());
        assertThat(Files.isDirectory(dir.resolve("store"))).isTrue();
    }
}
