package alldata.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Test helper run as a separate process: opens a store, says so, and holds it until stdin closes. */
public final class HoldStoreMain {
    private HoldStoreMain() {
    }

    public static void main(String[] args) throws Exception {
        try (RocksReplicaStore store = RocksReplicaStore.open(Path.of(args[0]))) {
            System.out.println("OPEN " + store.directory());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
