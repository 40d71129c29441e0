package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.commit.ResultRecords;
import dev.ndjsonparquet.spark.commit.SupersededAttemptException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two drivers for one manifest (a lost driver still running when the dispatcher's retry starts): the
 * older attempt stops at its next fence check and makes nothing visible, the newer one's rows are
 * there exactly once, and the result record is written once.
 */
class StaleAttemptTest {

    @TempDir
    Path dir;
    private TwoInputs inputs;
    private final SparkSession spark = SharedSpark.get();
    private final ConversionSettings.Values settings = TwoInputs.SETTINGS;

    @BeforeEach
    void files() throws IOException {
        inputs = TwoInputs.write(dir);
    }

    private void assertEveryRowOnce(ConversionResult r) {
        TwoInputs.assertEveryRowOnce(spark, r);
    }

    /** Runs a newer attempt to its end on another thread, as a second driver would (its own SQL execution). */
    private ManifestConversion.Outcome runElsewhere(String manifest, int attempt) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            clearSqlExecution();
            try {
                return new ManifestConversion(spark, settings).run(manifest, attempt);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(5, TimeUnit.MINUTES);
    }

    private static long parquetFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).count();
        }
    }

    @Test
    void anOlderAttemptReachingItsCommitAfterANewerOneFinishedCommitsNothing() throws Exception {
        Path out = dir.resolve("out");
        String manifest = inputs.manifest(out);
        AtomicReference<ManifestConversion.Outcome> newer = new AtomicReference<>();
        AtomicReference<Long> filesWhenStaleCommits = new AtomicReference<>();
        ManifestConversion stale = new ManifestConversion(spark, settings).withCheckpoints((point, attempt) -> {
            if (point == Checkpoints.Point.DATA_COMMIT && newer.get() == null) {
                try {
                    newer.set(runElsewhere(manifest, 2));
                    filesWhenStaleCommits.set(parquetFiles(out));
                } catch (Exception e) {
                    throw new IOException("the newer attempt failed", e);
                }
            }
        });
        SupersededAttemptException e = assertThrows(SupersededAttemptException.class, () -> stale.run(manifest, 1));
        assertTrue(e.getMessage().contains("attempt 1") && e.getMessage().contains("not committing its job")
                || e.getMessage().contains("result record"), e.getMessage());

        ConversionResult r = newer.get().result();
        assertEveryRowOnce(r);
        assertEquals(filesWhenStaleCommits.get(), parquetFiles(out), "the stale attempt made no file visible");
        Path result = Path.of(java.net.URI.create(newer.get().resultLocation()));
        assertArrayEquals(r.toJson(), Files.readAllBytes(result), "the result record is the newer attempt's");
        try (Stream<Path> s = Files.walk(out)) {
            assertTrue(s.noneMatch(p -> p.toString().contains("_temporary")), "no committer leftovers");
        }

        ManifestConversion.Outcome again = new ManifestConversion(spark, settings).run(manifest, 3);
        assertTrue(again.skipped(), "a later attempt finds the manifest done");
    }

    /**
     * The stale attempt committed its rows, then a newer attempt runs to completion before the stale one's bad records
     * are published: the bad records go through the same fenced commit as the rows, so the stale attempt publishes
     * none, and the Parquet holds every row once and the bad line once, counted with duplicates kept. (The driver
     * wrote them straight into the output, outside any fence, so a stale driver added a second copy.)
     */
    @Test
    void anOlderAttemptReachingItsBadRecordsAfterANewerOneFinishedPublishesNone() throws Exception {
        Path out = dir.resolve("out");
        String manifest = inputs.manifest(out);
        AtomicReference<ManifestConversion.Outcome> newer = new AtomicReference<>();
        ManifestConversion stale = new ManifestConversion(spark, settings).withCheckpoints((point, attempt) -> {
            if (point == Checkpoints.Point.BAD_RECORDS && newer.get() == null) {
                try {
                    newer.set(runElsewhere(manifest, 2));
                } catch (Exception e) {
                    throw new IOException("the newer attempt failed", e);
                }
            }
        });
        SupersededAttemptException e = assertThrows(SupersededAttemptException.class, () -> stale.run(manifest, 1));
        assertTrue(e.getMessage().contains("result record") && e.getMessage().contains("not committing its bad records"),
                e.getMessage());
        ConversionResult r = newer.get().result();
        assertEveryRowOnce(r);
        try (Stream<Path> s = Files.walk(out)) {
            assertTrue(s.noneMatch(p -> p.toString().contains("_temporary")), "no committer leftovers");
        }
    }

    @Test
    void anOlderAttemptReachingItsCommitWhileANewerOneRunsAbortsAndLeavesTheNewerOneToFinish() throws Exception {
        Path out = dir.resolve("out");
        String manifest = inputs.manifest(out);
        CountDownLatch newerPlanned = new CountDownLatch(1);
        CountDownLatch staleDone = new CountDownLatch(1);
        AtomicReference<CompletableFuture<ManifestConversion.Outcome>> newer = new AtomicReference<>();
        AtomicReference<Long> filesWhileBothRun = new AtomicReference<>();
        ManifestConversion stale = new ManifestConversion(spark, settings).withCheckpoints((point, attempt) -> {
            if (point == Checkpoints.Point.DATA_COMMIT && newer.get() == null) {
                newer.set(CompletableFuture.supplyAsync(() -> {
                    clearSqlExecution();
                    try {
                        return new ManifestConversion(spark, settings).withCheckpoints((p, n) -> {
                            if (p == Checkpoints.Point.PLANNED) {
                                newerPlanned.countDown();
                                await(staleDone);
                            }
                        }).run(manifest, 2);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
                await(newerPlanned); // attempt 2 has started over (its marker written, old output deleted) and planned
            }
        });
        SupersededAttemptException e = assertThrows(SupersededAttemptException.class, () -> stale.run(manifest, 1));
        assertTrue(e.getMessage().contains("superseded by attempt 2") && e.getMessage().contains("not committing its job"),
                e.getMessage());
        filesWhileBothRun.set(parquetFiles(out));
        staleDone.countDown();
        ConversionResult r = newer.get().get(5, TimeUnit.MINUTES).result();
        assertEquals(0L, filesWhileBothRun.get(), "the stale attempt committed nothing");
        assertEveryRowOnce(r);
        assertArrayEquals(r.toJson(), Files.readAllBytes(Path.of(java.net.URI.create(newer.get().get().resultLocation()))));
    }

    private void clearSqlExecution() {
        spark.sparkContext().setLocalProperty("spark.sql.execution.id", null);
        spark.sparkContext().setLocalProperty("spark.sql.execution.root.id", null);
        spark.sparkContext().setLocalProperty("spark.job.description", null);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("timed out waiting for the other attempt");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOlderAttemptThatStartsLateDeletesNothing() throws Exception {
        Path out = dir.resolve("out");
        String manifest = inputs.manifest(out);
        AtomicReference<Exception> stale = new AtomicReference<>();
        // Attempt 2 is planned (its marker written, its output not yet committed) when attempt 1 starts late.
        ManifestConversion.Outcome o = new ManifestConversion(spark, settings).withCheckpoints((point, attempt) -> {
            if (point == Checkpoints.Point.CLEANUP && stale.get() == null) {
                stale.set(assertThrows(SupersededAttemptException.class,
                        () -> new ManifestConversion(spark, settings).run(manifest, 1)));
            }
        }).run(manifest, 2);
        assertTrue(stale.get().getMessage().contains("superseded by attempt 2"), stale.get().getMessage());
        assertEveryRowOnce(o.result());
    }

    @Test
    void theResultRecordIsCreatedOnce() throws IOException {
        Path target = dir.resolve("_results").resolve("m-x.json");
        FileSystem fs = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(target.toUri());
        byte[] first = "{\"run\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"run\":2}".getBytes(StandardCharsets.UTF_8);
        assertTrue(ResultRecords.createOnce(fs, p, first));
        assertTrue(ResultRecords.createOnce(fs, p, first), "the same record again (a lost response) is ours");
        assertFalse(ResultRecords.createOnce(fs, p, second));
        assertArrayEquals(first, Files.readAllBytes(target));
        try (Stream<Path> s = Files.list(target.getParent())) {
            assertEquals(List.of(target), s.toList(), "no temporary file left");
        }
    }

    @Test
    void aManifestWhoseIdDoesNotMatchItsFilesIsRefusedBeforeAnythingIsDeleted() throws IOException {
        Path out = dir.resolve("out");
        Manifest real = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"),
                List.of(new ManifestFile(inputs.a().toUri().toString(), Files.size(inputs.a()), null)), out.toUri().toString(), null);
        Manifest other = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"),
                List.of(new ManifestFile(inputs.b().toUri().toString(), Files.size(inputs.b()), null)), out.toUri().toString(), null);
        // A forged manifest: b's id (whose output exists) over a's files.
        Manifest forged = new Manifest(real.version(), other.manifestId(), real.createdAt(), real.files(),
                real.totalBytes(), real.output(), null);
        Path victim = out.resolve("ingest_date=2026-11-26").resolve("manifest_id=" + other.manifestId())
                .resolve("part-00000.parquet");
        Files.createDirectories(victim.getParent());
        Files.writeString(victim, "another manifest's output");
        Path file = out.resolve("_manifests").resolve("forged.json");
        Files.createDirectories(file.getParent());
        Files.write(file, ManifestCodec.encode(forged));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ManifestConversion(spark, settings).run(file.toUri().toString()));
        assertTrue(e.getMessage().contains(other.manifestId()) && e.getMessage().contains(real.manifestId()),
                e.getMessage());
        assertTrue(Files.exists(victim), "nothing was deleted");
        assertFalse(Files.exists(out.resolve("_attempts")), "nothing was written");
    }
}
