package alldata.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A benchmark's working directory: the one the user gave (kept), or a fresh temp directory (deleted on close). */
final class ScratchDir implements AutoCloseable {
    private final Path path;
    private final boolean temporary;

    private ScratchDir(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** {@code given}, or when it is {@code null} a new temp directory named after {@code prefix}. */
    static ScratchDir of(Path given, String prefix) throws IOException {
        return given != null ? new ScratchDir(given, false) : new ScratchDir(Files.createTempDirectory(prefix), true);
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        if (!temporary || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + path, e);
        }
    }
}
