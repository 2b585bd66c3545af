package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.config.SidecarConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SidecarCommandTest {

    // nothing listens on port 1: had the sidecar tried Kafka, it would fail later and with another message
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void misspeltKeyFailsAtStartNamingItAndTheKeyMeant(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("node.properties"), """
                node.id=n1
                data.dir=%s
                kafka.bootstrap.servers=localhost:1
                replicaton.factor=3
                """.formatted(dir.resolve("data").toString().replace("\\", "\\\\")));

        CliRun run = CliRun.of("sidecar", "--config", config.toString());

        assertThat(run.code()).isNotZero();
        assertThat(run.err().strip()).isEqualTo(
                "error: unknown config key 'replicaton.factor' (did you mean 'replication.factor'?)");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aMissingConfigFileExitsWithTwoAndSaysWhy(@TempDir Path dir) {
        Path missing = dir.resolve("nope");

        CliRun run = CliRun.of("sidecar", "--config", missing.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: cannot read config file " + missing + ": no such file");
    }

    @Test
    void printsTheConfigurationReference() {
        CliRun run = CliRun.of("sidecar", "--print-config-reference");

        assertThat(run.code()).isZero();
        assertThat(run.out()).isEqualTo(SidecarConfig.markdownTable()).contains("| `replication.factor` | int | `1` |");
    }

    @Test
    void needsAConfigFileOrThePrintOption() {
        assertThat(CliRun.of("sidecar").code()).isEqualTo(2);
        assertThat(CliRun.of("sidecar", "--config", "x.properties", "--print-config-reference").code()).isEqualTo(2);
    }
}
