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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reader polling the table while a manifest fails three ways and is retried sees all of it or nothing. */
class ReaderVisibilityTest {

    @TempDir
    Path dir;

    @Test
    void aPollingReaderNeverSeesAPartialManifest() throws Exception {
        SparkSession spark = IcebergFixture.session();
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        ConversionSettings.Values settings = IcebergFixture.settings(s);
        String manifest = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T01:00:00Z"),
                IcebergFixture.input(dir, "a.ndjson", 0, 1500, 0), IcebergFixture.input(dir, "b.ndjson", 50_000, 1500, 0));

        Set<Integer> seen = new ConcurrentSkipListSet<>();
        AtomicInteger polls = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            Configuration conf = new Configuration();
            while (!stop.get()) {
                try {
                    Catalog c = IcebergCatalogs.load(s, conf);
                    try {
                        TableIdentifier id = TableIdentifier.parse(IcebergFixture.TABLE);
                        if (c.tableExists(id)) {
                            Table t = c.loadTable(id);
                            seen.add(IcebergFixture.rows(t).size());
                            polls.incrementAndGet();
                        }
                    } finally {
                        IcebergCatalogs.close(c);
                    }
                    Thread.sleep(100); // a reader, not a load test: leave the two cores to the conversion
                } catch (RuntimeException e) {
                    readerFailure.compareAndSet(null, e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "table-reader");
        reader.start();
        try {
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
            int before = polls.get();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (polls.get() < before + 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            stop.set(true);
            reader.join(60_000);
        }
        assertEquals(null, readerFailure.get());
        assertTrue(polls.get() >= 2, "the reader polled " + polls.get() + " times");
        assertTrue(Set.of(0, 3000).containsAll(seen), "rows seen by the reader: " + new TreeSet<>(seen));
        assertTrue(seen.contains(3000), "the reader saw the committed manifest: " + seen);
    }
}
