package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.conversion.SchemaMismatch;
import dev.ndjsonparquet.conversion.WriterEngine;
import dev.ndjsonparquet.spark.parse.FastLineParserTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The columnar write path against Spark's own writer (the reference): the same rows and values, the
 * same bad records, the same counts, on the shared corpus (schema inferred) and on generated lines with
 * every type, nulls, missing fields, nested arrays of structs, escapes, unicode, extreme numbers and
 * timestamps (explicit schema, both mismatch modes, event-date partitioning). The columnar files are
 * also read back by DuckDB, and their footers hold INT64 microsecond timestamps adjusted to UTC.
 */
class ColumnarWriterDifferentialTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2021-07-21-few-hours.json", "gharchive_log.jsonl", "kube-audit-rest.log", "x509.json.gz",
        "bluesky.json.gz", "amazon_cellphones.ndjson"})
    void corpusFilesGiveTheSameOutputAsSparksWriter(String file) throws IOException {
        Path input = SharedSpark.corpus(file);
        sameOutput(ConversionSettings.Values.defaults(), input);
    }

    @Test
    void generatedLinesWithEveryTypeGiveTheSameOutput() throws Exception {
        Path input = generated(4000);
        ConversionSettings.Values s = ConversionSettings.Values.defaults()
                .withSchema(FastLineParserTest.SCHEMA.toDDL()).withPartitionBy(PartitionMode.parse("none"));
        ConversionResult columnar = sameOutput(s, input);
        assertTrue(columnar.rowsWithRescuedData() > 0 && columnar.badRecords() > 0, "the file exercises rescue and bad records");

        // DuckDB reads the columnar files: same rows, timestamps as timestamps with time zone, same sums.
        Dataset<Row> spark = SharedSpark.get().read().parquet(columnar.dataLocation());
        Row expected = spark.selectExpr("count(*)", "count(ts)", "sum(cast(l AS DECIMAL(38,0)))",
                "sum(size(tags))", "sum(cast(unix_micros(ts) AS DECIMAL(38,0)))").first();
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(ts), sum(l::HUGEINT), sum(len(tags)), "
                     + "sum(epoch_us(ts)::HUGEINT), "
                     + "any_value(typeof(ts)) FROM read_parquet('" + columnar.dataLocation().replace("file:", "")
                     + "/*.parquet')")) {
            rs.next();
            assertEquals(expected.getLong(0), rs.getLong(1), "rows");
            assertEquals(expected.getLong(1), rs.getLong(2), "non-null timestamps");
            assertEquals(((java.math.BigDecimal) expected.get(2)).toBigInteger(), rs.getBigDecimal(3).toBigInteger(), "sum of l");
            assertEquals(expected.getLong(3), rs.getLong(4), "array elements");
            assertEquals(((java.math.BigDecimal) expected.get(4)).toBigInteger(), rs.getBigDecimal(5).toBigInteger(),
                    "sum of timestamps");
            assertEquals("TIMESTAMP WITH TIME ZONE", rs.getString(6));
        }
    }

    @Test
    void badRecordModeAndEventDatePartitionsGiveTheSameOutput() throws IOException {
        Path input = generated(1500);
        ConversionSettings.Values s = ConversionSettings.Values.defaults()
                .withSchema(FastLineParserTest.SCHEMA.toDDL()).withMismatch(SchemaMismatch.BAD_RECORD)
                .withPartitionBy(PartitionMode.parse("event-date:ts"));
        ConversionResult r = sameOutput(s, input);
        assertTrue(Files.list(Path.of(r.dataLocation().replace("file:", "")))
                .anyMatch(p -> p.getFileName().toString().equals("event_date=2025-06-30")));
    }

    @Test
    void timestampsAreInt64MicrosAdjustedToUtcInBothWriters() throws IOException {
        Path input = dir.resolve("ts.ndjson");
        Files.writeString(input, "{\"ts\":\"2025-11-26T01:02:03.123456Z\",\"n\":1}\n");
        for (WriterEngine w : WriterEngine.values()) {
            ConversionSettings.Values s = ConversionSettings.Values.defaults().withSchema("ts TIMESTAMP, n INT")
                    .withPartitionBy(PartitionMode.parse("none")).withWriter(w);
            ConversionResult r = SharedSpark.convert(s, dir.resolve("out-" + w), input).result();
            Path file;
            try (var files = Files.walk(Path.of(r.dataLocation().replace("file:", "")))) {
                file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
            }
            try (ParquetFileReader reader = ParquetFileReader.open(
                    HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
                PrimitiveType ts = reader.getFooter().getFileMetaData().getSchema().getType("ts").asPrimitiveType();
                assertEquals(PrimitiveType.PrimitiveTypeName.INT64, ts.getPrimitiveTypeName(), w.toString());
                assertEquals(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS),
                        ts.getLogicalTypeAnnotation(), w.toString());
            }
            Row row = SharedSpark.get().read().parquet(r.dataLocation()).selectExpr("unix_micros(ts)").first();
            assertEquals(1764118923123456L, row.getLong(0), w.toString());
        }
    }

    @Test
    void aManifestWithAGivenSchemaRunsTheConversionJobAndOneBadRecordsTask() throws Exception {
        Path input = dir.resolve("mixed.ndjson");
        Files.writeString(input, "{\"a\":1}\nnot json\n{\"a\":2}\n");
        for (WriterEngine writer : WriterEngine.values()) {
            int jobs = jobsOf(writer, "a INT", input);
            System.out.printf("Spark jobs per manifest with bad records (explicit schema), %s writer: %d%n", writer, jobs);
            assertEquals(2, jobs, writer + ": the conversion, then one task committing the bad records (fenced)");
        }
    }

    @Test
    void inferringTheSchemaAddsOneSparkJob() throws Exception {
        Path input = dir.resolve("mixed.ndjson");
        Files.writeString(input, "{\"a\":1}\nnot json\n{\"a\":2}\n");
        assertEquals(3, jobsOf(WriterEngine.COLUMNAR, null, input),
                "schema inference on the sample, then the conversion, then the bad records' task");
    }

    private int jobsOf(WriterEngine writer, String schema, Path input) throws Exception {
        AtomicInteger jobs = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                jobs.incrementAndGet();
            }
        };
        awaitListener();
        SharedSpark.get().sparkContext().addSparkListener(counter);
        try {
            ConversionSettings.Values s = ConversionSettings.Values.defaults().withSchema(schema)
                    .withPartitionBy(PartitionMode.parse("none")).withWriter(writer);
            ConversionResult r = SharedSpark.convert(s, dir.resolve("jobs-" + writer + "-" + (schema != null)), input)
                    .result();
            assertEquals(2, r.rowsWritten());
            assertEquals(1, r.badRecords());
            awaitListener();
            return jobs.get();
        } finally {
            SharedSpark.get().sparkContext().removeSparkListener(counter);
        }
    }

    private static void awaitListener() throws java.util.concurrent.TimeoutException {
        // The listener bus delivers asynchronously; wait until it has drained.
        SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty(30_000);
    }

    private Path generated(int n) throws IOException {
        SplittableRandom r = new SplittableRandom(11);
        List<String> lines = new ArrayList<>(FastLineParserTest.LINES);
        for (int i = 0; i < n; i++) {
            lines.add(FastLineParserTest.randomLine(r));
            if (i % 97 == 0) {
                lines.add("");
            }
        }
        Path input = dir.resolve("generated.ndjson");
        Files.write(input, lines);
        return input;
    }

    /** Converts with both writers; asserts equal counts, rows and bad records; returns the columnar result. */
    private ConversionResult sameOutput(ConversionSettings.Values settings, Path input) throws IOException {
        ConversionResult ref = SharedSpark.convert(settings.withWriter(WriterEngine.SPARK), dir.resolve("spark"), input)
                .result();
        ConversionResult col = SharedSpark.convert(settings.withWriter(WriterEngine.COLUMNAR), dir.resolve("columnar"),
                input).result();
        assertEquals(ref.linesRead(), col.linesRead(), "lines");
        assertEquals(ref.rowsWritten(), col.rowsWritten(), "rows");
        assertEquals(ref.rowsWithRescuedData(), col.rowsWithRescuedData(), "rescued rows");
        assertEquals(ref.badRecords(), col.badRecords(), "bad records");
        if (ref.rowsWritten() > 0) {
            Dataset<Row> a = SharedSpark.get().read().parquet(ref.dataLocation());
            Dataset<Row> b = SharedSpark.get().read().parquet(col.dataLocation());
            assertEquals(a.schema(), b.schema(), "schema read back");
            assertEquals(sortedJson(a), sortedJson(b), "rows");
        }
        if (ref.badRecords() > 0) {
            String cols = "source_file, line_number, byte_offset, reason, raw_line, raw_line_bytes, raw_line_truncated";
            assertEquals(sortedJson(SharedSpark.get().read().parquet(ref.badRecordsLocation()).selectExpr(cols.split(", "))),
                    sortedJson(SharedSpark.get().read().parquet(col.badRecordsLocation()).selectExpr(cols.split(", "))));
        }
        return col;
    }

    private static List<String> sortedJson(Dataset<Row> df) {
        List<String> rows = new ArrayList<>(df.drop("manifest_id", "ingest_date").toJSON().collectAsList());
        rows.sort(null);
        return rows;
    }
}
