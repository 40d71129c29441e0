package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.tools.cli.DemoCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --iceberg} end to end at a small size: the Spark applications (child JVMs of the packaged
 * spark-app, Iceberg jars included) commit to a local catalog, and the demo reads the tables back through it.
 */
class DemoIcebergIT {

    @TempDir
    Path tmp;

    @Test
    void theDemoOnIcebergEndsByReadingTheTablesBackThroughTheCatalog() throws Exception {
        Map<String, String> env = SparkAppBuild.launcherEnvironment();
        Path dir = tmp.resolve("demo");
        CapturedCommand demo = new CapturedCommand(new DemoCommand(env));

        int exit = demo.execute("--dir", dir.toString(), "--files", "3", "--file-size-mb", "0.25", "--bad-lines-per-file", "4",
                "--max-batch-age-seconds", "1", "--local-spark-cores", "1", "--iceberg");

        String text = demo.out();
        assertEquals(0, exit, () -> "exit code; stdout:\n" + text + "\nstderr:\n" + demo.err());
        long good = SparkAppBuild.goodRecords(SparkAppBuild.inBand(dir).stream()
                .filter(p -> !p.getFileName().toString().contains("schema-change")).toList())[0];
        long all = good + IcebergDemo.EVOLVED_RECORDS;
        assertTrue(text.contains(String.format("table ndjson.events: 2 append(s), %,d rows in the current snapshot, %,d read back",
                all, all)), text);
        // The schema change arrives in the second manifest and its own commit adds the columns.
        assertTrue(text.contains(String.format("%,d rows  added columns: country, payload.referrer",
                IcebergDemo.EVOLVED_RECORDS)), text);
        assertTrue(text.contains("table ndjson.bad_records: 1 append(s), 12 rows in the current snapshot, 12 read back"), text);
        assertTrue(Files.exists(dir.resolve("catalog/catalog.db")), "the local catalog");
        assertEquals(2, SparkAppBuild.files(dir.resolve("buckets/lake/events/_results"), ".json"), "the result records");
        assertFalse(Files.exists(dir.resolve("buckets/lake/events/ingest_date=2026-11-26")), "no plain Parquet table");
        // The rows are where the catalog says, below the warehouse, as Parquet DuckDB reads too.
        assertEquals(List.of(all), SparkAppBuild.query("SELECT count(*) FROM read_parquet('"
                + dir.resolve("buckets/lake/warehouse/ndjson/events/data") + "/manifest_id=*/run=*/*.parquet', union_by_name = true)"));
        assertEquals(List.of((long) IcebergDemo.EVOLVED_RECORDS), SparkAppBuild.query("SELECT count(*) FROM read_parquet('"
                + dir.resolve("buckets/lake/warehouse/ndjson/events/data") + "/manifest_id=*/run=*/*.parquet', union_by_name = true)"
                + " WHERE country = 'NL' AND payload.referrer = 'search'"));
    }
}
