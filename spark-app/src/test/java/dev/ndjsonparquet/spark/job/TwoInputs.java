package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The retry tests' input: {@code a.ndjson} with ids 0-1,999 and {@code b.ndjson} with ids 10,000-11,999 and one bad
 * line, split small (16 KiB) so each file is several tasks; and the check that a conversion kept each of the 4,000
 * rows once and the bad line once.
 */
record TwoInputs(Path a, Path b) {

    static final int ROWS = 4000;
    static final ConversionSettings.Values SETTINGS = ConversionSettings.Values.defaults()
            .withSchema("id BIGINT, v STRING").withSplitBytes(16_384);

    static TwoInputs write(Path dir) throws IOException {
        Path a = dir.resolve("a.ndjson");
        Path b = dir.resolve("b.ndjson");
        StringBuilder sa = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ROWS / 2; i++) {
            sa.append("{\"id\":").append(i).append(",\"v\":\"a").append(i).append("\"}\n");
            sb.append("{\"id\":").append(10_000 + i).append(",\"v\":\"b").append(i).append("\"}\n");
        }
        sb.append("not json\n");
        Files.writeString(a, sa, StandardCharsets.UTF_8);
        Files.writeString(b, sb, StandardCharsets.UTF_8);
        return new TwoInputs(a, b);
    }

    /** A manifest of both files with output {@code out}, written into {@code out/_manifests}; its URI. */
    String manifest(Path out) throws IOException {
        return SharedSpark.manifestOf(out, a, b);
    }

    /** Every row once in the data read back, in the result's count, and the one bad line once. */
    static void assertEveryRowOnce(SparkSession spark, ConversionResult r) {
        Dataset<Row> rows = spark.read().parquet(r.dataLocation());
        assertEquals(ROWS, rows.count());
        assertEquals(ROWS, rows.select("id").distinct().count());
        assertEquals(ROWS, r.rowsWritten());
        assertEquals(1, r.badRecords());
        assertEquals(1, spark.read().parquet(r.badRecordsLocation()).count());
    }
}
