package alldata.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Changes a (closed) replica store behind its back, with RocksDB directly, as an operator's mistake or a lost
 * file would: what repair's checks must find.
 */
public final class StoreSurgery {
    private StoreSurgery() {
    }

    /** Deletes {@code key}'s event and its plan from the store in {@code dir}; its kept digests still count it. */
    public static void deleteEvent(Path dir, String key) throws RocksDBException {
        withColumnFamilies(dir, (db, handles) -> {
            byte[] k = key.getBytes(StandardCharsets.US_ASCII);
            try (WriteOptions sync = new WriteOptions().setSync(true)) {
                db.delete(handles.get(1), sync, k);
                db.delete(handles.get(2), sync, k);
            }
        });
    }

    /** Forgets the kept digests and the record that they were counted, as in a store that predates them. */
    public static void forgetDigests(Path dir) throws RocksDBException {
        withColumnFamilies(dir, (db, handles) -> {
            try (WriteOptions sync = new WriteOptions().setSync(true)) {
                db.deleteRange(handles.get(3), sync, new byte[0], new byte[] {(byte) 0xff});
                db.delete(handles.get(0), sync, "state/digests-counted".getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    interface Surgery {
        void on(RocksDB db, List<ColumnFamilyHandle> handles) throws RocksDBException;
    }

    private static void withColumnFamilies(Path dir, Surgery surgery) throws RocksDBException {
        RocksDB.loadLibrary();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String cf : List.of("default", "events", "meta", "digests", "failed")) {
            descriptors.add(new ColumnFamilyDescriptor(cf.getBytes(StandardCharsets.US_ASCII)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateMissingColumnFamilies(true);
             RocksDB db = RocksDB.open(options, dir.toAbsolutePath().toString(), descriptors, handles)) {
            try {
                surgery.on(db, handles);
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }
}
