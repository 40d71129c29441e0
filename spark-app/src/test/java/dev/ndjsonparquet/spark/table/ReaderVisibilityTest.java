package dev.ndjsonparquet.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.faults.FailAfterLines;
import dev.ndjsonparquet.spark.faults.FailAfterTableCommit;
import dev.ndjsonparquet.spark.faults.FailBeforeResult;
import dev.ndjsonparquet.spark.faults.InjectedFailures;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest fails three ways and is retried: every state of the table a reader could ever have loaded holds all of the
 * manifest or none of it. Instead of a reader polling (which sees a partial state only if a poll lands in its window),
 * the test reads back every metadata version the commits wrote, from the table's own metadata log.
 */
class ReaderVisibilityTest {

    @TempDir
    Path dir;

    @Test
    void noVersionOfTheTableEverHoldsAPartialManifest() throws Exception {
        SparkSession spark = IcebergFixture.session();
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        ConversionSettings.Values settings = IcebergFixture.settings(s);
        String manifest = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T01:00:00Z"),
                IcebergFixture.input(dir, "a.ndjson", 0, 1500, 0), IcebergFixture.input(dir, "b.ndjson", 50_000, 1500, 0));

        for (Class<? extends Checkpoints> failure : List.of(FailAfterLines.class, FailBeforeResult.class,
                FailAfterTableCommit.class)) {
            InjectedFailures.install(spark, failure);
            try {
                assertThrows(Exception.class, () -> new ManifestConversion(spark, settings).run(manifest),
                        failure.getSimpleName());
            } finally {
                InjectedFailures.clear(spark);
            }
        }
        new ManifestConversion(spark, settings).run(manifest);

        Table table = IcebergFixture.load(s, IcebergFixture.TABLE, new Configuration());
        TableMetadata current = ((HasTableOperations) table).operations().current();
        List<String> versions = new ArrayList<>();
        current.previousFiles().forEach(entry -> versions.add(entry.file()));
        versions.add(current.metadataFileLocation());
        Map<String, Integer> rowsOf = new LinkedHashMap<>();
        for (String version : versions) {
            Table asOf = new BaseTable(new StaticTableOperations(version, table.io()), table.name());
            rowsOf.put(version.substring(version.lastIndexOf('/') + 1), IcebergFixture.rows(asOf).size());
        }
        assertTrue(Set.of(0, 3000).containsAll(rowsOf.values()), "rows in each version of the table: " + rowsOf);
        assertEquals(0, rowsOf.values().iterator().next(), "the table was created empty: " + rowsOf);
        assertEquals(3000, IcebergFixture.rows(table).size(), "the manifest is in the table: " + rowsOf);
        List<Integer> counts = List.copyOf(rowsOf.values());
        assertEquals(counts.stream().sorted().toList(), counts, "once the manifest was in the table, it stayed: " + rowsOf);
    }
}
