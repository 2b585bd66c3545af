package alldata.dev;

import java.io.IOException;
import java.nio.file.Path;

/** Holds a {@link DataDirLock} on {@code args[0]} in its own process until its standard input ends (a test helper). */
final class HoldDataDirLock {
    static final String LOCKED = "locked";

    private HoldDataDirLock() {
    }

    public static void main(String[] args) throws IOException {
        DataDirLock lock = DataDirLock.acquire(Path.of(args[0]), "test", "--data-dir");
        System.out.println(LOCKED);
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the end of input
        }
        lock.close();
    }
}
