package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.maintenance.SnapshotExpiry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;

/**
 * Maintenance of a table for catalogs that do not maintain tables themselves (JDBC, REST, Glue without its
 * optimizers; S3 Tables maintains its own): old metadata files deleted after each commit, snapshots expired no
 * further back than {@link SnapshotExpiry} allows (never the snapshot of a manifest whose result record is missing),
 * manifests rewritten into few. Iceberg's own operations do the work; this decides only how far.
 *
 * @param expireOlderThan   the cutoff used
 * @param expired           snapshots removed
 * @param keptForMissingResults manifests whose snapshot was kept because their result record is missing
 */
public record TableMaintenance(Instant expireOlderThan, int expired, List<String> keptForMissingResults) {

    /** Metadata files kept besides the current one once delete-after-commit is on. */
    public static final int PREVIOUS_VERSIONS_MAX = 20;

    public static TableMaintenance run(Table table, Instant now, SnapshotExpiry.RetryBounds bounds, Duration retention,
                                       Predicate<String> hasResultRecord) {
        TableSetup.onConflictRetry(table, () -> table.updateProperties()
                .set(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
                .set(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, Integer.toString(PREVIOUS_VERSIONS_MAX))
                .commit());
        table.refresh();
        List<SnapshotExpiry.SnapshotInfo> history = new ArrayList<>();
        for (Snapshot s : table.snapshots()) {
            history.add(new SnapshotExpiry.SnapshotInfo(s.snapshotId(), Instant.ofEpochMilli(s.timestampMillis()),
                    s.summary().get(ManifestAppends.MANIFEST_ID)));
        }
        history.sort(java.util.Comparator.comparing(SnapshotExpiry.SnapshotInfo::committedAt));
        SnapshotExpiry.Plan plan = SnapshotExpiry.plan(now, bounds, retention, history, hasResultRecord);
        int expired = 0;
        if (table.currentSnapshot() != null) {
            table.expireSnapshots().expireOlderThan(plan.expireOlderThan().toEpochMilli()).retainLast(1).commit();
            table.refresh();
            int left = 0;
            for (Snapshot s : table.snapshots()) {
                left++;
            }
            expired = history.size() - left;
            // Metadata compaction: the appends' many small manifests become few (a snapshot of its own).
            table.rewriteManifests().rewriteIf(m -> true).clusterBy(f -> f.specId()).commit();
            table.refresh();
        }
        return new TableMaintenance(plan.expireOlderThan(), expired, plan.keptForMissingResults());
    }
}
