package dev.ndjsonparquet.tables;

import dev.ndjsonparquet.maintenance.SnapshotExpiry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;

/**
 * Maintenance of a table's metadata for catalogs that do not maintain tables themselves (JDBC, REST, Glue without
 * its optimizers; S3 Tables maintains its own): old metadata files deleted after each commit, snapshots expired no
 * further back than {@link SnapshotExpiry} allows (never the snapshot of a manifest whose result record is missing),
 * manifests rewritten into few. Iceberg's own operations do the work; this decides only how far.
 *
 * @param expireOlderThan       the cutoff used
 * @param expired               snapshots removed
 * @param keptForMissingResults manifests whose snapshot was kept because their result record is missing
 * @param manifestsBefore       data manifests of the current snapshot before the rewrite
 * @param manifestsAfter        and after it
 */
public record TableMaintenance(Instant expireOlderThan, int expired, List<String> keptForMissingResults,
                               int manifestsBefore, int manifestsAfter) {

    /** Metadata files kept besides the current one once delete-after-commit is on (the default). */
    public static final int PREVIOUS_VERSIONS_MAX = 20;

    public static TableMaintenance run(Table table, Instant now, SnapshotExpiry.RetryBounds bounds, Duration retention,
                                       Predicate<String> hasResultRecord) {
        return run(table, now, bounds, retention, hasResultRecord, PREVIOUS_VERSIONS_MAX);
    }

    /**
     * @param retention       the operator's snapshot retention, or null for the computed minimum (a shorter one is
     *                        refused before anything changes)
     * @param hasResultRecord whether a manifest's result record exists
     */
    public static TableMaintenance run(Table table, Instant now, SnapshotExpiry.RetryBounds bounds, Duration retention,
                                       Predicate<String> hasResultRecord, int previousVersionsMax) {
        // Refuses an undercutting retention before any change (the plan is computed again on the refreshed table).
        SnapshotExpiry.plan(now, bounds, retention, List.of(), hasResultRecord);
        ensureMetadataCleanup(table, previousVersionsMax);
        List<SnapshotExpiry.SnapshotInfo> history = new ArrayList<>();
        for (Snapshot s : table.snapshots()) {
            history.add(new SnapshotExpiry.SnapshotInfo(s.snapshotId(), Instant.ofEpochMilli(s.timestampMillis()),
                    s.summary().get(SnapshotSummaries.MANIFEST_ID)));
        }
        history.sort(Comparator.comparing(SnapshotExpiry.SnapshotInfo::committedAt));
        SnapshotExpiry.Plan plan = SnapshotExpiry.plan(now, bounds, retention, history, hasResultRecord);
        int expired = 0;
        int before = 0;
        int after = 0;
        if (table.currentSnapshot() != null) {
            table.expireSnapshots().expireOlderThan(plan.expireOlderThan().toEpochMilli()).retainLast(1).commit();
            table.refresh();
            int left = 0;
            for (Snapshot ignored : table.snapshots()) {
                left++;
            }
            expired = history.size() - left;
            before = table.currentSnapshot().dataManifests(table.io()).size();
            if (before > 1) {
                // Metadata compaction: the appends' one manifest each become one per spec (a snapshot of its own).
                table.rewriteManifests().rewriteIf(m -> true).clusterBy(f -> f.specId()).commit();
                table.refresh();
            }
            after = table.currentSnapshot().dataManifests(table.io()).size();
        }
        return new TableMaintenance(plan.expireOlderThan(), expired, plan.keptForMissingResults(), before, after);
    }

    /** Each later commit deletes metadata files beyond the last {@code previousVersionsMax} (set once, kept set). */
    public static boolean ensureMetadataCleanup(Table table, int previousVersionsMax) {
        String max = Integer.toString(previousVersionsMax);
        if ("true".equals(table.properties().get(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED))
                && max.equals(table.properties().get(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX))) {
            return false;
        }
        Commits.onConflictRetry(table, () -> table.updateProperties()
                .set(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
                .set(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, max)
                .commit());
        table.refresh();
        return true;
    }
}
