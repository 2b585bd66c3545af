package alldata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code compose/} cannot run here (no Docker engine), so its consistency with the repository is checked
 * as text: the config files it names exist, and its broker is the Kafka version the clients are built with.
 */
class ComposeConsistencyTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern IMAGE_CONFIG = Pattern.compile("/opt/alldata/(config/[\\w.-]+\\.properties)");

    private static List<String> configsNamedIn(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = IMAGE_CONFIG.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyConfigFileTheImageIsStartedWithExists() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("compose/Dockerfile"));
        String compose = Files.readString(ROOT.resolve("compose/docker-compose.yml"));
        assertThat(dockerfile).contains("COPY config ./config").contains("WORKDIR /opt/alldata");
        List<String> named = new ArrayList<>(configsNamedIn(dockerfile));
        named.addAll(configsNamedIn(compose));
        assertThat(configsNamedIn(dockerfile)).as("the Dockerfile's default config").isNotEmpty();
        assertThat(named).hasSizeGreaterThanOrEqualTo(4);
        for (String config : named) {
            assertThat(ROOT.resolve(config)).as(config).isRegularFile();
        }
    }

    @Test
    void theBrokerImageIsTheKafkaVersionOfTheClients() throws Exception {
        Matcher version = Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        assertThat(Files.readString(ROOT.resolve("compose/docker-compose.yml")))
                .contains("image: apache/kafka:" + version.group(1) + "\n");
    }
}
