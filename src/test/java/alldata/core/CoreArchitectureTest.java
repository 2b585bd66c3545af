package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core stays pure Java: its sources import nothing from Kafka, RocksDB, Jackson, picocli or Micrometer. */
class CoreArchitectureTest {
    private static final List<String> FORBIDDEN = List.of("org.apache.kafka", "org.rocksdb", "com.fasterxml", "picocli",
            "io.micrometer");
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;",
            Pattern.MULTILINE);

    private static Path coreSources() {
        return Path.of(System.getProperty("basedir", ".")).resolve("src/main/java/alldata/core");
    }

    /** The imported names in a source text. */
    static List<String> imports(String source) {
        List<String> names = new ArrayList<>();
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static boolean forbidden(String importedName) {
        return FORBIDDEN.stream().anyMatch(f -> importedName.equals(f) || importedName.startsWith(f + "."));
    }

    @Test
    void coreImportsNothingFromKafkaRocksDbJacksonPicocliOrMicrometer() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(coreSources())) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertThat(sources).as("core sources found in %s", coreSources()).extracting(p -> p.getFileName().toString())
                .contains("Coordinator.java", "PendingPut.java", "Placement.java", "AllDataKey.java");
        List<String> offending = new ArrayList<>();
        for (Path p : sources) {
            for (String name : imports(Files.readString(p))) {
                if (forbidden(name)) {
                    offending.add(p.getFileName() + ": import " + name);
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    @Test
    void importScannerFindsPlainStaticAndWildcardImports() {
        String source = """
                package x;

                import java.util.List;
                import static org.apache.kafka.common.utils.Utils.sleep;
                  import org.rocksdb.*;
                import com.fasterxml.jackson.databind.ObjectMapper;
                """;
        assertThat(imports(source)).containsExactly("java.util.List", "org.apache.kafka.common.utils.Utils.sleep",
                "org.rocksdb.*", "com.fasterxml.jackson.databind.ObjectMapper");
    }

    @Test
    void everyForbiddenPrefixIsCaughtAndLookAlikesAreNot() {
        assertThat(List.of("org.apache.kafka.clients.producer.Producer", "org.rocksdb.RocksDB",
                "com.fasterxml.jackson.core.JsonParser", "picocli.CommandLine", "io.micrometer.core.instrument.Counter"))
                .allMatch(CoreArchitectureTest::forbidden);
        assertThat(List.of("java.util.List", "org.slf4j.Logger", "org.apache.kafkaesque.Thing", "picoclix.Y"))
                .noneMatch(CoreArchitectureTest::forbidden);
    }
}
