package dev.ndjsonparquet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-records table's one tiny file per manifest becomes one file, and a reader sees exactly the same rows
 * (duplicates included) before and after; every manifest's append is still found by the exactly-once check.
 */
class SmallFileCompactionTest {

    @TempDir
    Path dir;

    @Test
    void tinyFilesBecomeOneAndTheRowsReadBackExactly() throws Exception {
        Catalog c = IcebergCatalogs.loadOutsideSpark(LocalTables.settings(dir), null);
        try {
            Table t = LocalTables.create(c, LocalTables.BAD_TABLE, LocalTables.BAD_RECORDS);
            for (int m = 0; m < 12; m++) {
                LocalTables.append(t, "m-" + m, m * 10, 3);
            }
            // A manifest whose two files hold the same rows: duplicates are rows like any other, never merged.
            DataFile a = LocalTables.writeRun(t, "m-dup", "r1", 0, 4);
            DataFile b = LocalTables.writeRun(t, "m-dup", "r1", 0, 4);
            t.newFastAppend().appendFile(a).appendFile(b).set(SnapshotSummaries.MANIFEST_ID, "m-dup").commit();
            List<String> before = LocalTables.rows(t);
            assertEquals(12 * 3 + 8, before.size());
            assertEquals(4, before.size() - new HashSet<>(before).size(), "four duplicated rows");
            assertEquals(14, files(t).size());

            SmallFileCompaction r = SmallFileCompaction.compact(t, 128L << 20);

            assertEquals(new SmallFileCompaction(14, 14, 1, 44), r);
            assertEquals(1, files(t).size());
            assertEquals(before, LocalTables.rows(t), "the same rows, duplicates kept");
            assertEquals("compaction", t.currentSnapshot().summary().get(SnapshotSummaries.MAINTENANCE));
            Set<String> appended = new HashSet<>();
            for (Snapshot s : SnapshotUtil.currentAncestors(t)) {
                if (s.summary().get(SnapshotSummaries.MANIFEST_ID) != null) {
                    appended.add(s.summary().get(SnapshotSummaries.MANIFEST_ID));
                }
            }
            assertEquals(13, appended.size(), "every manifest's append is still in the current snapshot's history");

            // A reader of the snapshot before the compaction still reads it whole.
            long previous = t.currentSnapshot().parentId();
            assertEquals(44, count(t, previous));
            // Nothing left to compact: a second run changes nothing.
            assertEquals(new SmallFileCompaction(1, 0, 0, 0), SmallFileCompaction.compact(t, 128L << 20));
        } finally {
            IcebergCatalogs.close(c);
        }
    }

    @Test
    void groupsStayUnderTheTargetAndLoneFilesAreLeftAlone() throws Exception {
        Catalog c = IcebergCatalogs.loadOutsideSpark(LocalTables.settings(dir), null);
        try {
            Table t = LocalTables.create(c, LocalTables.BAD_TABLE, LocalTables.BAD_RECORDS);
            for (int m = 0; m < 5; m++) {
                LocalTables.append(t, "m-" + m, 0, 2);
            }
            List<DataFile> files = files(t);
            long size = files.get(0).fileSizeInBytes();
            // Room for two files a group: 5 files make groups of 2, 2 and a lone one left as it is.
            List<List<DataFile>> groups = SmallFileCompaction.pack(files, size * 2 + size / 2);
            assertEquals(List.of(2, 2), groups.stream().map(List::size).toList());
            List<String> before = LocalTables.rows(t);
            SmallFileCompaction r = SmallFileCompaction.compact(t, size * 2 + size / 2);
            assertEquals(4, r.rewritten());
            assertEquals(2, r.written());
            assertEquals(3, files(t).size());
            assertEquals(before, LocalTables.rows(t));
        } finally {
            IcebergCatalogs.close(c);
        }
    }

    @Test
    void aManifestAppendedWhileCompactingIsKept() throws Exception {
        Catalog c = IcebergCatalogs.loadOutsideSpark(LocalTables.settings(dir), null);
        Catalog driver = IcebergCatalogs.loadOutsideSpark(LocalTables.settings(dir), null);
        try {
            Table t = LocalTables.create(c, LocalTables.BAD_TABLE, LocalTables.BAD_RECORDS);
            for (int m = 0; m < 4; m++) {
                LocalTables.append(t, "m-" + m, 0, 3);
            }
            // A driver commits its manifest's bad records between the compaction's reads and its commit.
            SmallFileCompaction r = SmallFileCompaction.compact(t, 128L << 20, () -> LocalTables.append(
                    driver.loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(LocalTables.BAD_TABLE)), "m-late", 0, 5));
            assertEquals(4, r.rewritten());
            List<String> rows = LocalTables.rows(t);
            assertEquals(4 * 3 + 5, rows.size(), "the late manifest's rows are kept beside the compacted ones");
            assertEquals(5, rows.stream().filter(x -> x.startsWith("m-late/")).count());
            assertEquals(2, files(t).size(), "the compacted file and the late manifest's");
        } finally {
            IcebergCatalogs.close(driver);
            IcebergCatalogs.close(c);
        }
    }

    private static List<DataFile> files(Table t) throws Exception {
        t.refresh();
        List<DataFile> out = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            tasks.forEach(task -> out.add(task.file()));
        }
        return out;
    }

    private static long count(Table t, long snapshotId) throws Exception {
        long n = 0;
        try (CloseableIterable<org.apache.iceberg.data.Record> rs = org.apache.iceberg.data.IcebergGenerics.read(t)
                .useSnapshot(snapshotId).build()) {
            for (org.apache.iceberg.data.Record ignored : rs) {
                n++;
            }
        }
        return n;
    }
}
