package alldata.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data directory ({@code <dir>/.lock}), held while a local cluster uses it. Two local
 * clusters on one directory would otherwise fail deep inside Kafka's own log-directory lock, with a stack trace
 * instead of the option to change. The operating system releases the lock when the process ends, however it ends,
 * so a crash leaves no stale lock behind.
 */
public final class DataDirLock implements AutoCloseable {
    /** Name of the lock file in the data directory. */
    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (creating it when missing) unless another process, or another holder in this one, has it.
     *
     * @param who    what would use the directory, e.g. "alldata dev"
     * @param option the option that chooses another directory, e.g. "--data-dir"
     * @throws IllegalStateException one line naming the directory and the option when it is in use
     */
    public static DataDirLock acquire(Path dir, String who, String option) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new DataDirLock(channel, lock);
            }
        } catch (OverlappingFileLockException e) {
            // held by this process already: as in use as by another one
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock data directory " + dir + ": " + e.getMessage(), e);
        }
        closeQuietly(channel);
        throw new IllegalStateException("data directory " + dir + " is in use by another " + who
                + "; choose another with " + option);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }

    /** Releases the lock (the file stays: deleting it could race with the next holder). */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
