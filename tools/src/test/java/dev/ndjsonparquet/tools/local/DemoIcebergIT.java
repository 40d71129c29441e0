package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.tools.cli.DemoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DemoCommand(env));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("--dir", dir.toString(), "--files", "3", "--file-size-mb", "0.25", "--bad-lines-per-file", "4",
                "--max-batch-age-seconds", "1", "--local-spark-cores", "1", "--iceberg");

        String text = out.toString();
        assertEquals(0, exit, () -> "exit code; stdout:\n" + text + "\nstderr:\n" + err);
        List<Path> inBand;
        try (Stream<Path> s = Files.list(dir.resolve("buckets/landing/ndjson"))) {
            inBand = s.filter(p -> !p.getFileName().toString().contains("oversized")).sorted().toList();
        }
        long good = SparkAppBuild.goodRecords(inBand)[0];
        assertTrue(text.contains(String.format("table ndjson.events: 1 append(s), %,d rows in the current snapshot, %,d read back",
                good, good)), text);
        assertTrue(text.contains("table ndjson.bad_records: 1 append(s), 12 rows in the current snapshot, 12 read back"), text);
        assertTrue(Files.exists(dir.resolve("catalog/catalog.db")), "the local catalog");
        assertEquals(1, SparkAppBuild.files(dir.resolve("buckets/lake/events/_results"), ".json"), "the result record");
        assertFalse(Files.exists(dir.resolve("buckets/lake/events/ingest_date=2026-11-26")), "no plain Parquet table");
        // The rows are where the catalog says, below the warehouse, as Parquet DuckDB reads too.
        assertEquals(List.of(good), SparkAppBuild.query("SELECT count(*) FROM read_parquet('"
                + dir.resolve("buckets/lake/warehouse/ndjson/events/data") + "/manifest_id=*/run=*/*.parquet')"));
    }
}
