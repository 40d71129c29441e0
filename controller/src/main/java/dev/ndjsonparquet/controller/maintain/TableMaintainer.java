package dev.ndjsonparquet.controller.maintain;

import dev.ndjsonparquet.tables.OrphanFiles;
import dev.ndjsonparquet.tables.SmallFileCompaction;
import dev.ndjsonparquet.tables.TableMaintenance;
import java.time.Instant;
import java.util.function.Predicate;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.FileIO;

/**
 * One maintenance pass over one table, in the order that keeps each step's work small and safe: metadata clean-up
 * switched on, small files compacted (the bad-records table), snapshots expired no further than allowed and
 * manifests rewritten, then the files of dead runs removed (after the expiry, which deletes what it unreferences).
 */
public final class TableMaintainer {

    private TableMaintainer() {
    }

    /**
     * What was done to one table; null parts were not run.
     *
     * @param table         the table's name
     * @param exists        false when the table does not exist yet (nothing was done)
     * @param metadataSet   whether the metadata clean-up properties were set now (false: already set)
     */
    public record Report(String table, boolean exists, boolean metadataSet, SmallFileCompaction compaction,
                         TableMaintenance snapshots, OrphanFiles orphans) {
    }

    public static Report maintain(Catalog catalog, String name, boolean compact, MaintainSettings s, Instant now) {
        TableIdentifier id = TableIdentifier.parse(name);
        if (!catalog.tableExists(id)) {
            return new Report(name, false, false, null, null, null);
        }
        Table table = catalog.loadTable(id);
        boolean set = TableMaintenance.ensureMetadataCleanup(table, s.previousVersionsMax());
        SmallFileCompaction compaction = compact ? SmallFileCompaction.compact(table, s.badRecordsTargetBytes()) : null;
        TableMaintenance snapshots = TableMaintenance.run(table, now, s.bounds(), s.snapshotRetention(),
                resultRecords(table.io(), s.outputLocation()), s.previousVersionsMax());
        OrphanFiles orphans = s.removeOrphanFiles() ? OrphanFiles.remove(table, now, s.orphanAge()) : null;
        return new Report(name, true, set, compaction, snapshots, orphans);
    }

    /** Whether a manifest's result record exists ({@code <output>/_results/<id>.json}), read through the table's FileIO. */
    static Predicate<String> resultRecords(FileIO io, String outputLocation) {
        String base = outputLocation.endsWith("/") ? outputLocation : outputLocation + "/";
        return id -> io.newInputFile(base + "_results/" + id + ".json").exists();
    }
}
