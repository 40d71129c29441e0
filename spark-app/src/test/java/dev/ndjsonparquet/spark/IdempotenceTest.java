package dev.ndjsonparquet.spark;

import dev.ndjsonparquet.conversion.ConversionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed run followed by a retry gives every row exactly once; a finished manifest is not converted again. */
class IdempotenceTest {

    @TempDir
    Path dir;
    private Path a;
    private Path b;
    private final SparkSession spark = SharedSpark.get();
    private final ConversionSettings.Values settings = ConversionSettings.Values.defaults()
            .withSchema("id BIGINT, v STRING").withSplitBytes(16_384);

    @BeforeEach
    void files() throws IOException {
        a = dir.resolve("a.ndjson");
        b = dir.resolve("b.ndjson");
        StringBuilder sa = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sa.append("{\"id\":").append(i).append(",\"v\":\"a").append(i).append("\"}\n");
            sb.append("{\"id\":").append(10_000 + i).append(",\"v\":\"b").append(i).append("\"}\n");
        }
        sb.append("not json\n");
        Files.writeString(a, sa, StandardCharsets.UTF_8);
        Files.writeString(b, sb, StandardCharsets.UTF_8);
    }

    @AfterEach
    void clearInjectedFailures() {
        spark.conf().unset(ManifestConversion.FAIL_AFTER_LINES);
        spark.conf().unset(ManifestConversion.FAIL_BEFORE_RESULT);
    }

    private void assertExactlyOnce(ConversionResult r) {
        Dataset<Row> rows = spark.read().parquet(r.dataLocation());
        assertEquals(4000, rows.count());
        assertEquals(4000, rows.select("id").distinct().count());
        assertEquals(4000, r.rowsWritten());
        assertEquals(1, r.badRecords());
        assertEquals(1, spark.read().parquet(r.badRecordsLocation()).count());
    }

    @Test
    void aTaskFailureHalfwayThenARetry() throws IOException {
        String manifest = SharedSpark.manifestOf(dir.resolve("out"), a, b);
        spark.conf().set(ManifestConversion.FAIL_AFTER_LINES, "50");
        assertThrows(Exception.class, () -> new ManifestConversion(spark, settings).run(manifest));
        spark.conf().unset(ManifestConversion.FAIL_AFTER_LINES);
        ManifestConversion.Outcome o = new ManifestConversion(spark, settings).run(manifest);
        assertTrue(!o.skipped());
        assertExactlyOnce(o.result());
    }

    @Test
    void aFailureAfterTheDataWasCommittedThenARetry() throws IOException {
        String manifest = SharedSpark.manifestOf(dir.resolve("out"), a, b);
        spark.conf().set(ManifestConversion.FAIL_BEFORE_RESULT, "true");
        assertThrows(IllegalStateException.class, () -> new ManifestConversion(spark, settings).run(manifest));
        try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".parquet")), "the failed run left committed Parquet");
        }
        spark.conf().unset(ManifestConversion.FAIL_BEFORE_RESULT);
        assertExactlyOnce(new ManifestConversion(spark, settings).run(manifest).result());
    }

    @Test
    void aManifestWithAResultRecordIsSkipped() throws IOException {
        String manifest = SharedSpark.manifestOf(dir.resolve("out"), a, b);
        ManifestConversion.Outcome first = new ManifestConversion(spark, settings).run(manifest);
        Path someFile;
        try (Stream<Path> s = Files.walk(Path.of(java.net.URI.create(first.result().dataLocation())))) {
            someFile = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        FileTime before = Files.getLastModifiedTime(someFile);
        ManifestConversion.Outcome second = new ManifestConversion(spark, settings).run(manifest);
        assertTrue(second.skipped());
        assertEquals(first.result(), second.result());
        assertEquals(before, Files.getLastModifiedTime(someFile));
        assertExactlyOnce(second.result());
    }
}
