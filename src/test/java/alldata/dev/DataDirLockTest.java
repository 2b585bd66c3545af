package alldata.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
    @Test
    void aDirectoryIsLockedOnceAndFreeAgainWhenReleased(@TempDir Path dir) {
        Path data = dir.resolve("data");
        DataDirLock first = DataDirLock.acquire(data, "alldata dev", "--data-dir");
        assertThatThrownBy(() -> DataDirLock.acquire(data, "alldata dev", "--data-dir"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("data directory " + data + " is in use by another alldata dev; choose another with --data-dir");
        first.close();
        DataDirLock.acquire(data, "alldata dev", "--data-dir").close();
        assertThat(data.resolve(DataDirLock.FILE)).exists();
    }

    /** The case that matters: two processes, where the lock is the operating system's, not the JVM's. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDirectoryLockedByAnotherProcessIsInUse(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                HoldDataDirLock.class.getName(), dir.toString())).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo(HoldDataDirLock.LOCKED);
            assertThatThrownBy(() -> DataDirLock.acquire(dir, "alldata dev", "--data-dir"))
                    .hasMessageContaining("is in use by another alldata dev");
            holder.getOutputStream().close(); // the holder exits at the end of its input
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            holder.destroyForcibly();
        }
        DataDirLock.acquire(dir, "alldata dev", "--data-dir").close();
    }
}
