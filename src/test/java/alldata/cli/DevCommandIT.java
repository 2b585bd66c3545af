package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alldata dev} end to end on free ports: it says which {@code --http} reaches its nodes. */
class DevCommandIT {
    private static final Pattern NODE_1 = Pattern.compile("node-1 +zone a +http://(\\S+) ");

    @Test
    void devPrintsTheHttpAddressTheToolsNeedForItsNodes(@TempDir Path dir) {
        CliRun r = CliRun.of("dev", "--nodes", "1", "--kafka-port", "0", "--http-port-base", "0", "--data-dir",
                dir.toString(), "--demo", "1", "--exit-after-demo");
        assertThat(r.code()).as(r.err()).isZero();
        Matcher node1 = NODE_1.matcher(r.out());
        assertThat(node1.find()).as(r.out()).isTrue();
        assertThat(r.out()).contains(DevCommand.readThrough(node1.group(1)));
    }
}
