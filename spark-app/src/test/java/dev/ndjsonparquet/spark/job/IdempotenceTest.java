package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.WriterEngine;
import dev.ndjsonparquet.spark.faults.FailAfterLines;
import dev.ndjsonparquet.spark.faults.FailFirstAttemptAfterLines;
import dev.ndjsonparquet.spark.faults.FailFirstAttemptAtTheEndOfItsSplit;
import dev.ndjsonparquet.spark.faults.FailBeforeResult;
import dev.ndjsonparquet.spark.faults.InjectedFailure;
import dev.ndjsonparquet.spark.faults.InjectedFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A failed run followed by a retry gives every row exactly once; a finished manifest is not converted again. */
class IdempotenceTest {

    @TempDir
    Path dir;
    private TwoInputs inputs;
    private final SparkSession spark = SharedSpark.get();
    private final ConversionSettings.Values settings = TwoInputs.SETTINGS;

    @BeforeEach
    void files() throws IOException {
        inputs = TwoInputs.write(dir);
    }

    @AfterEach
    void clearInjectedFailures() {
        InjectedFailures.clear(spark);
    }

    private void assertExactlyOnce(ConversionResult r) {
        TwoInputs.assertEveryRowOnce(spark, r);
    }

    @ParameterizedTest
    @EnumSource(WriterEngine.class)
    void aTaskFailureHalfwayThenARetry(WriterEngine writer) throws IOException {
        String manifest = inputs.manifest(dir.resolve("out"));
        ConversionSettings.Values settings = this.settings.withWriter(writer);
        InjectedFailures.install(spark, FailAfterLines.class);
        Exception failed = assertThrows(Exception.class, () -> new ManifestConversion(spark, settings).run(manifest));
        assertTrue(causedByInjection(failed), () -> "not the injected failure: " + failed);
        try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_temporary")),
                    "the failed task committed nothing");
        }
        InjectedFailures.clear(spark);
        ManifestConversion.Outcome o = new ManifestConversion(spark, settings).run(manifest);
        assertTrue(!o.skipped());
        assertExactlyOnce(o.result());
    }

    static Stream<Arguments> lostAttempts() {
        return Stream.of(WriterEngine.values()).flatMap(w -> Stream.of(
                Arguments.of(w, FailFirstAttemptAfterLines.class),
                Arguments.of(w, FailFirstAttemptAtTheEndOfItsSplit.class)));
    }

    /**
     * A task attempt lost and retried by Spark inside the same job (the session runs local[2,2], as a cluster
     * retries a task whose executor died): halfway, before anything is flushed, or at the end of its split, with
     * its Parquet files and its bad records' staging file written and closed but not committed. The run succeeds,
     * and the Parquet holds every row and the bad line once: nothing the lost attempt wrote is kept.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("lostAttempts")
    void aTaskAttemptLostIsRetriedInsideTheJob(WriterEngine writer, Class<? extends dev.ndjsonparquet.spark.commit.Checkpoints> lost) throws Exception {
        String manifest = inputs.manifest(dir.resolve("out"));
        List<SparkListenerTaskEnd> ends = new CopyOnWriteArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                ends.add(end);
            }
        };
        InjectedFailures.install(spark, lost);
        spark.sparkContext().addSparkListener(listener);
        ManifestConversion.Outcome o;
        try {
            o = new ManifestConversion(spark, settings.withWriter(writer)).run(manifest);
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        List<SparkListenerTaskEnd> failed = ends.stream().filter(e -> !(e.reason() instanceof org.apache.spark.Success$))
                .toList();
        assertTrue(failed.size() >= 4, "every split's first attempt failed: " + failed.size());
        assertTrue(failed.stream().allMatch(e -> e.taskInfo().attemptNumber() == 0));
        assertEquals(failed.size(), ends.stream().filter(e -> e.reason() instanceof org.apache.spark.Success$
                && e.taskInfo().attemptNumber() == 1).count(), "each failed task went through on its second attempt");
        assertExactlyOnce(o.result());
    }

    @Test
    void aFailureAfterTheDataWasCommittedThenARetry() throws IOException {
        String manifest = inputs.manifest(dir.resolve("out"));
        InjectedFailures.install(spark, FailBeforeResult.class);
        assertThrows(InjectedFailure.class, () -> new ManifestConversion(spark, settings).run(manifest));
        try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".parquet")), "the failed run left committed Parquet");
        }
        InjectedFailures.clear(spark);
        assertExactlyOnce(new ManifestConversion(spark, settings).run(manifest).result());
    }

    /** The task's failure reaches the driver as Spark's job failure, whose message carries the task's. */
    static boolean causedByInjection(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InjectedFailure || String.valueOf(c.getMessage()).contains("injected failure after")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aManifestWithAResultRecordIsSkipped() throws IOException {
        String manifest = inputs.manifest(dir.resolve("out"));
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
