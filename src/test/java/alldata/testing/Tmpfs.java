package alldata.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted over a directory, to give a store a disk that really fills up ("No space left
 * on device" from the kernel, not a simulated error). Mounting needs root on Linux: elsewhere the
 * calling test is skipped, never failed.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path mountPoint;
    private final Path filler;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler.bin");
    }

    /** Mounts a tmpfs of {@code megabytes} over {@code dir} (created if missing), or skips the test. */
    public static Tmpfs mount(Path dir, int megabytes) throws IOException, InterruptedException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "a tmpfs needs Linux");
        Files.createDirectories(dir);
        Run r = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()));
        assumeTrue(r.exit() == 0, "cannot mount a tmpfs (needs root): " + r.output());
        return new Tmpfs(dir);
    }

    /** Fills every free byte with a filler file, so that the next write fails with ENOSPC. */
    public void fill() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    /** Gives the space back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Run r = run(List.of("umount", "-l", mountPoint.toString()));
        if (r.exit() != 0) {
            throw new IOException("umount " + mountPoint + " failed: " + r.output());
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, command + " timed out");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }
}
