package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
import dev.ndjsonparquet.conversion.IcebergSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.TypeUtil;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a table back as a reader would: the catalog names the current snapshot, the snapshot names the data
 * files, Spark reads exactly those files (nothing else in the table's directory counts). Used by {@code demo}.
 *
 * @param table      the table
 * @param manifests  the appends of the current history, oldest first
 * @param rowsInMetadata the current snapshot's row count as Iceberg's metadata has it
 * @param rowsRead   the rows Spark read from the snapshot's files
 */
public record TableReadBack(String table, List<Append> manifests, long rowsInMetadata, long rowsRead) {

    /** One manifest's append, with the columns its commit added to the table (full names, sorted). */
    public record Append(String manifestId, long snapshotId, long rows, List<String> addedColumns) {
    }

    /** The table's current state, or an empty read-back when the table does not exist yet. */
    public static TableReadBack read(IcebergSettings settings, String tableName, SparkSession spark) {
        Catalog catalog = IcebergCatalogs.load(settings, spark.sparkContext().hadoopConfiguration());
        try {
            TableIdentifier id = TableIdentifier.parse(tableName);
            if (!catalog.tableExists(id)) {
                return new TableReadBack(tableName, List.of(), 0, 0);
            }
            Table t = catalog.loadTable(id);
            List<Append> appends = new ArrayList<>();
            for (Snapshot s = t.currentSnapshot(); s != null; s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
                appends.add(0, new Append(s.summary().get(ManifestAppends.MANIFEST_ID), s.snapshotId(),
                        Long.parseLong(s.summary().getOrDefault(SnapshotSummary.ADDED_RECORDS_PROP, "0")), added(t, s)));
            }
            if (t.currentSnapshot() == null) {
                return new TableReadBack(tableName, appends, 0, 0);
            }
            long inMetadata = Long.parseLong(t.currentSnapshot().summary().getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0"));
            List<String> files = new ArrayList<>();
            try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
                tasks.forEach(task -> files.add(hadoopPath(task.file().location())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long read = files.isEmpty() ? 0 : spark.read().parquet(files.toArray(String[]::new)).count();
            return new TableReadBack(tableName, appends, inMetadata, read);
        } finally {
            IcebergCatalogs.close(catalog);
        }
    }

    /** Columns of the snapshot's schema that its parent's schema lacks (none for the first snapshot). */
    static List<String> added(Table t, Snapshot s) {
        if (s.parentId() == null || s.schemaId() == null || t.snapshot(s.parentId()).schemaId() == null) {
            return List.of();
        }
        java.util.Set<String> before = TypeUtil.indexByName(
                t.schemas().get(t.snapshot(s.parentId()).schemaId()).asStruct()).keySet();
        return TypeUtil.indexByName(t.schemas().get(s.schemaId()).asStruct()).keySet().stream()
                .filter(n -> !before.contains(n)).sorted().toList();
    }

    private static String hadoopPath(String location) {
        return location.startsWith("s3://") ? "s3a://" + location.substring("s3://".length()) : location;
    }
}
