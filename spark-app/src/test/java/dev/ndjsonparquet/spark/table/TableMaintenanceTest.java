package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
import dev.ndjsonparquet.tables.TableMaintenance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.maintenance.SnapshotExpiry;
import dev.ndjsonparquet.spark.faults.FailAfterTableCommit;
import dev.ndjsonparquet.spark.faults.InjectedFailure;
import dev.ndjsonparquet.spark.faults.InjectedFailures;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance never breaks exactly-once: a manifest committed without its result record keeps its snapshot through
 * expiry, so redriving it long after finds the append and adds nothing; an expired manifest with its result record
 * is skipped by the result record. Old metadata is deleted after commits, manifests are rewritten.
 */
class TableMaintenanceTest {

    private static final SnapshotExpiry.RetryBounds BOUNDS = new SnapshotExpiry.RetryBounds(Duration.ofDays(4),
            Duration.ofDays(14), 3, Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofHours(2));

    @TempDir
    Path dir;
    private final SparkSession spark = IcebergFixture.session();

    @Test
    void expiryKeepsTheSnapshotOfAManifestWithoutItsResultRecord() throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        ConversionSettings.Values settings = IcebergFixture.settings(s);
        Path out = dir.resolve("out");
        String done = IcebergFixture.manifestOf(out, Instant.parse("2026-11-26T01:00:00Z"),
                IcebergFixture.input(dir, "a.ndjson", 0, 100, 0));
        String noResult = IcebergFixture.manifestOf(out, Instant.parse("2026-11-26T02:00:00Z"),
                IcebergFixture.input(dir, "b.ndjson", 1000, 100, 0));
        String latest = IcebergFixture.manifestOf(out, Instant.parse("2026-11-26T03:00:00Z"),
                IcebergFixture.input(dir, "c.ndjson", 2000, 100, 0));
        new ManifestConversion(spark, settings).run(done);
        InjectedFailures.install(spark, FailAfterTableCommit.class);
        try {
            assertThrows(InjectedFailure.class, () -> new ManifestConversion(spark, settings).run(noResult));
        } finally {
            InjectedFailures.clear(spark);
        }
        new ManifestConversion(spark, settings).run(latest);
        assertFalse(Files.exists(out.resolve("_results/" + IcebergFixture.idOf(noResult) + ".json")));

        Catalog c = IcebergCatalogs.load(s, spark.sparkContext().hadoopConfiguration());
        TableMaintenance m;
        try {
            Table t = c.loadTable(TableIdentifier.parse(IcebergFixture.TABLE));
            // Long after: every snapshot is older than the retention.
            Instant later = Instant.now().plus(Duration.ofDays(100));
            assertThrows(IllegalArgumentException.class, () -> TableMaintenance.run(t, later, BOUNDS, Duration.ofDays(3),
                    id -> true), "a retention under the minimum is refused");
            m = TableMaintenance.run(t, later, BOUNDS, null,
                    id -> Files.exists(out.resolve("_results/" + id + ".json")));
            assertEquals(List.of(IcebergFixture.idOf(noResult)), m.keptForMissingResults());
            assertEquals(1, m.expired(), "the snapshot before the kept one is expired");
            assertEquals("true", t.properties().get(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED));
            assertEquals(1, t.currentSnapshot().dataManifests(t.io()).size(), "manifests rewritten into one");
        } finally {
            IcebergCatalogs.close(c);
        }
        Table t = IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
        assertEquals(0, IcebergFixture.snapshotsOf(t, IcebergFixture.idOf(done)).size(), "expired");
        assertEquals(1, IcebergFixture.snapshotsOf(t, IcebergFixture.idOf(noResult)).size(), "kept");
        assertEquals(300, IcebergFixture.rows(t).size());

        // Redrives after expiry: no second append of either.
        new ManifestConversion(spark, settings).run(noResult);
        new ManifestConversion(spark, settings).run(done);
        t = IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
        assertEquals(300, IcebergFixture.rows(t).size(), "no manifest appended twice");
        assertTrue(Files.exists(out.resolve("_results/" + IcebergFixture.idOf(noResult) + ".json")),
                "the redrive wrote the missing result record from the kept snapshot");
    }
}
