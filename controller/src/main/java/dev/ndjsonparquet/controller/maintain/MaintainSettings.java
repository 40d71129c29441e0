package dev.ndjsonparquet.controller.maintain;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.dispatch.RetryPolicy;
import dev.ndjsonparquet.controller.dispatch.RunTimeLimit;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.maintenance.SnapshotExpiry;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of {@code maintain}, declared once, and the values read once from them. The catalog settings are the
 * conversion's, the retry bounds the dispatcher's and the builder's (the same keys and environment variables, so the
 * chart sets them once for all): what the tool computes its retention and orphan age from.
 *
 * @param iceberg              the catalog and the two tables
 * @param outputLocation       where result records are ({@code <output>/_results/<manifest-id>.json})
 * @param bounds               how long a manifest may still be attempted
 * @param snapshotRetention    the operator's retention, or null for the computed minimum
 * @param orphanAge            the safe age of a dead run's files (checked against the minimum)
 * @param previousVersionsMax  metadata files kept besides the current one
 * @param badRecordsTargetBytes the size the bad-records table's small files are compacted up to
 * @param removeOrphanFiles    whether orphan files are removed
 * @param awsRegion            region for SigV4 of a REST catalog (null: the SDK's chain)
 */
public record MaintainSettings(IcebergSettings iceberg, String outputLocation, SnapshotExpiry.RetryBounds bounds,
                               Duration snapshotRetention, Duration orphanAge, int previousVersionsMax,
                               long badRecordsTargetBytes, boolean removeOrphanFiles, String awsRegion) {

    /** SQS's longest message retention: the default when a queue's own is not given never undercuts it. */
    static final int SQS_MAX_RETENTION_SECONDS = 1_209_600;

    public static final Setting<Integer> MANIFEST_QUEUE_RETENTION_SECONDS = Setting.integer("manifest-queue-retention-seconds")
            .env("MANIFEST_QUEUE_RETENTION_SECONDS").defaultValue(SQS_MAX_RETENTION_SECONDS).atLeast(60)
            .check(MaintainSettings::sqsRetention)
            .describedAs("The manifest queue's MessageRetentionPeriod: a manifest may be attempted for this long. Default SQS's maximum (14 days), which never undercuts the queue's real one.")
            .build();
    public static final Setting<Integer> DEAD_LETTER_QUEUE_RETENTION_SECONDS = Setting.integer("dead-letter-queue-retention-seconds")
            .env("DEAD_LETTER_QUEUE_RETENTION_SECONDS").defaultValue(SQS_MAX_RETENTION_SECONDS).atLeast(60)
            .check(MaintainSettings::sqsRetention)
            .describedAs("The dead-letter queue's MessageRetentionPeriod: an operator may redrive a manifest from it for this long. Default SQS's maximum (14 days).")
            .build();
    public static final Setting<Integer> SNAPSHOT_RETENTION_HOURS = Setting.integer("snapshot-retention-hours")
            .env("SNAPSHOT_RETENTION_HOURS").atLeast(1)
            .describedAs("Snapshots younger than this are kept. Empty: the computed minimum (queue and dead-letter retention, every attempt with its back-off and run-time limit, a day of margin); a shorter value is refused. The snapshot of a manifest without its result record is kept however old.")
            .build();
    public static final Setting<Integer> ORPHAN_FILE_AGE_HOURS = Setting.integer("orphan-file-age-hours")
            .env("ORPHAN_FILE_AGE_HOURS").atLeast(1)
            .describedAs("A run directory's unreferenced files are removed once its newest file is older than this. Empty: the computed minimum (the longest run-time limit, from max-batch-size-gb at run-limit-mb-per-second, plus a day); a shorter value is refused.")
            .build();
    public static final Setting<Boolean> REMOVE_ORPHAN_FILES = Setting.bool("remove-orphan-files")
            .env("REMOVE_ORPHAN_FILES").defaultValue(true)
            .describedAs("Remove the files of dead runs that no snapshot references (`false`: leave them to another tool).")
            .build();
    public static final Setting<Integer> METADATA_PREVIOUS_VERSIONS_MAX = Setting.integer("metadata-previous-versions-max")
            .env("METADATA_PREVIOUS_VERSIONS_MAX").defaultValue(20).atLeast(1)
            .describedAs("Set on both tables with `write.metadata.delete-after-commit.enabled=true`: each commit deletes metadata files beyond this many.")
            .build();
    public static final Setting<Integer> BAD_RECORDS_TARGET_FILE_SIZE_MB = Setting.integer("bad-records-target-file-size-mb")
            .env("BAD_RECORDS_TARGET_FILE_SIZE_MB").defaultValue(128).atLeast(1)
            .describedAs("The bad-records table's files smaller than this are compacted into files of up to this size (one rewrite commit; the rows are unchanged).")
            .build();

    /** What {@code maintain} declares, in the order of the documentation table. */
    public static final List<Setting<?>> ALL = List.of(ConversionSettings.ICEBERG_CATALOG_TYPE,
            ConversionSettings.ICEBERG_CATALOG_URI, ConversionSettings.ICEBERG_WAREHOUSE, ConversionSettings.ICEBERG_TABLE,
            ConversionSettings.ICEBERG_BAD_RECORDS_TABLE, ConversionSettings.ICEBERG_REST_SIGNING_NAME,
            ConversionSettings.ICEBERG_CATALOG_PROPERTIES, BuilderSettings.OUTPUT_LOCATION,
            MANIFEST_QUEUE_RETENTION_SECONDS, DEAD_LETTER_QUEUE_RETENTION_SECONDS, DispatcherSettings.MAX_ATTEMPTS,
            DispatcherSettings.RETRY_BACKOFF_SECONDS, BuilderSettings.MAX_BATCH_SIZE_GB,
            DispatcherSettings.RUN_LIMIT_MB_PER_SECOND, DispatcherSettings.RUN_LIMIT_MINIMUM_SECONDS,
            SNAPSHOT_RETENTION_HOURS, ORPHAN_FILE_AGE_HOURS, REMOVE_ORPHAN_FILES, METADATA_PREVIOUS_VERSIONS_MAX,
            BAD_RECORDS_TARGET_FILE_SIZE_MB, DispatcherSettings.AWS_REGION);

    /** Reads every setting of {@link #ALL} and checks them together; every problem is listed at once. */
    public static MaintainSettings from(ResolvedSettings s) {
        List<String> problems = new ArrayList<>();
        IcebergSettings iceberg = new IcebergSettings(s.get(ConversionSettings.ICEBERG_CATALOG_TYPE),
                s.get(ConversionSettings.ICEBERG_CATALOG_URI), s.get(ConversionSettings.ICEBERG_WAREHOUSE),
                s.get(ConversionSettings.ICEBERG_TABLE), s.get(ConversionSettings.ICEBERG_BAD_RECORDS_TABLE),
                s.get(ConversionSettings.ICEBERG_REST_SIGNING_NAME), s.get(ConversionSettings.ICEBERG_CATALOG_PROPERTIES));
        problems.addAll(iceberg.problems());
        SnapshotExpiry.RetryBounds bounds = bounds(s);
        Duration retention = hours(s.get(SNAPSHOT_RETENTION_HOURS));
        if (retention != null && retention.compareTo(bounds.minimumRetention()) < 0) {
            problems.add("snapshot-retention-hours: " + retention.toHours() + " undercuts the computed minimum of "
                    + bounds.minimumRetention() + " (a manifest may still be attempted that long); leave it empty or raise it");
        }
        Duration orphanAge = null;
        try {
            orphanAge = bounds.orphanAge(hours(s.get(ORPHAN_FILE_AGE_HOURS)));
        } catch (IllegalArgumentException e) {
            problems.add("orphan-file-age-hours: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new MaintainSettings(iceberg, s.get(BuilderSettings.OUTPUT_LOCATION), bounds, retention, orphanAge,
                s.get(METADATA_PREVIOUS_VERSIONS_MAX), (long) s.get(BAD_RECORDS_TARGET_FILE_SIZE_MB) << 20,
                s.get(REMOVE_ORPHAN_FILES), blankToNull(s.get(DispatcherSettings.AWS_REGION)));
    }

    /** The longest a manifest may be attempted, from the queues, the dispatcher's retries and the largest manifest. */
    static SnapshotExpiry.RetryBounds bounds(ResolvedSettings s) {
        long largestManifestBytes = (long) (s.get(BuilderSettings.MAX_BATCH_SIZE_GB) * (1L << 30));
        Duration longestRun = new RunTimeLimit(s.get(DispatcherSettings.RUN_LIMIT_MB_PER_SECOND),
                Duration.ofSeconds(s.get(DispatcherSettings.RUN_LIMIT_MINIMUM_SECONDS))).forBytes(largestManifestBytes);
        return new SnapshotExpiry.RetryBounds(Duration.ofSeconds(s.get(MANIFEST_QUEUE_RETENTION_SECONDS)),
                Duration.ofSeconds(s.get(DEAD_LETTER_QUEUE_RETENTION_SECONDS)), s.get(DispatcherSettings.MAX_ATTEMPTS),
                Duration.ofSeconds(s.get(DispatcherSettings.RETRY_BACKOFF_SECONDS)), RetryPolicy.MAX_BACKOFF, longestRun);
    }

    private static Duration hours(Integer h) {
        return h == null ? null : Duration.ofHours(h);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Optional<String> sqsRetention(int seconds) {
        return seconds <= SQS_MAX_RETENTION_SECONDS ? Optional.empty()
                : Optional.of("SQS keeps a message at most " + SQS_MAX_RETENTION_SECONDS + " seconds (14 days)");
    }
}
