package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.conversion.WriterEngine;
import dev.ndjsonparquet.spark.faults.InjectedFailures;
import dev.ndjsonparquet.spark.faults.ThrowWhileConverting;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A converter that throws on a line (a defect, not a property of the line: every known case has its own outcome)
 * costs that line only: it becomes a bad record with reason {@code internal error: <exception>}, counted in the
 * result record and logged once for the manifest with its file and line; the task and the other lines go on.
 */
class LastResortGuardTest {

    @TempDir
    Path dir;
    private final SparkSession spark = SharedSpark.get();

    @AfterEach
    void clear() {
        InjectedFailures.clear(spark);
    }

    /** The messages of the warnings ManifestConversion logs while {@code run} runs. */
    private static List<String> warningsDuring(IoRunnable run) throws IOException {
        List<String> warnings = new CopyOnWriteArrayList<>();
        AbstractAppender capture = new AbstractAppender("guard-test", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel() == Level.WARN) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        Logger logger = (Logger) LogManager.getLogger(ManifestConversion.class);
        logger.addAppender(capture);
        try {
            run.run();
        } finally {
            logger.removeAppender(capture);
            capture.stop();
        }
        return warnings;
    }

    @FunctionalInterface
    private interface IoRunnable {
        void run() throws IOException;
    }

    @ParameterizedTest
    @EnumSource(WriterEngine.class)
    void aLineAConverterThrowsOnIsABadRecordCountedAndLoggedOnce(WriterEngine writer) throws IOException {
        Path a = dir.resolve("a.ndjson");
        Path b = dir.resolve("b.ndjson");
        StringBuilder sa = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            sa.append("{\"id\":").append(i).append("}\n");
            sb.append("{\"id\":").append(100 + i).append("}\n");
        }
        Files.writeString(a, sa);
        Files.writeString(b, sb);
        ConversionSettings.Values settings = ConversionSettings.Values.defaults().withSchema("id BIGINT").withWriter(writer)
                .withPartitionBy(PartitionMode.parse("none"));
        InjectedFailures.install(spark, ThrowWhileConverting.class);
        ConversionResult[] result = new ConversionResult[1];
        List<String> warnings = warningsDuring(() -> result[0] = SharedSpark.convert(settings, dir.resolve("out"), a, b).result());
        ConversionResult r = result[0];

        assertEquals(20, r.linesRead());
        assertEquals(18, r.rowsWritten());
        assertEquals(2, r.badRecords());
        assertEquals(2, r.internalErrors());
        assertEquals(18, spark.read().parquet(r.dataLocation()).where("id <> 3 AND id <> 103").count());
        List<Row> bad = spark.read().parquet(r.badRecordsLocation()).orderBy("source_file").collectAsList();
        assertEquals(2, bad.size());
        for (Row row : bad) {
            assertEquals(3L, (long) row.getAs("line_number"));
            assertTrue(((String) row.getAs("reason")).startsWith("internal error: java.lang.IllegalStateException: "
                    + "a converter defect on line 3"), (String) row.getAs("reason"));
        }
        assertEquals("{\"id\":3}", bad.get(0).getAs("raw_line"));
        List<String> guard = warnings.stream().filter(w -> w.contains("internal error")).toList();
        assertEquals(1, guard.size(), "logged once for the manifest: " + warnings);
        assertTrue(guard.get(0).contains("2 line(s)") && guard.get(0).contains(a.toUri().toString() + " line 3")
                && guard.get(0).contains("at dev.ndjsonparquet.spark.faults.ThrowWhileConverting"), guard.get(0));
    }
}
