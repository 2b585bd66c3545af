package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core stays pure Java: no Kafka, RocksDB, Jackson, CLI or metrics imports. */
class CoreArchitectureTest {
    private static final List<String> FORBIDDEN = List.of("org.apache.kafka", "org.rocksdb", "com.fasterxml", "picocli",
            "io.micrometer", "alldata.kafka", "alldata.store", "alldata.cli", "alldata.client");

    @Test
    void coreImportsNothingFromTheOuterLayers() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(Path.of("src/main/java/alldata/core"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(10);
        for (Path p : sources) {
            for (String line : Files.readAllLines(p)) {
                if (line.startsWith("import ")) {
                    assertThat(FORBIDDEN).as(p + ": " + line).noneMatch(f -> line.contains(" " + f) || line.contains("static " + f));
                }
            }
        }
    }
}
