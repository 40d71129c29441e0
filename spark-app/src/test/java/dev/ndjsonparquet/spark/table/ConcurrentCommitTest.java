package dev.ndjsonparquet.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several drivers committing to one table at once: every manifest's append present exactly once. */
class ConcurrentCommitTest {

    @TempDir
    Path dir;

    /**
     * Six "drivers" (each with its own catalog connection) commit at the same instant: three are attempts of
     * one manifest, three are other manifests. The losers of each race retry on the new table state; the
     * attempts of the same manifest find it committed and return its snapshot instead of appending again.
     */
    @Test
    void racingAppendsOfTheSameAndOfOtherManifests() throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
        Catalog setup = IcebergCatalogs.load(s, new Configuration());
        TableSetup.ensure(setup, TableIdentifier.parse(IcebergFixture.TABLE), schema,
                IcebergSchemas.spec(schema, PartitionMode.parse("none")));
        IcebergCatalogs.close(setup);

        for (int round = 0; round < 3; round++) {
            String same = "m-same-" + round;
            List<String> manifests = List.of(same, same, same, "m-a-" + round, "m-b-" + round, "m-c-" + round);
            CyclicBarrier start = new CyclicBarrier(manifests.size());
            ExecutorService pool = Executors.newFixedThreadPool(manifests.size());
            List<Future<Long>> snapshots = new ArrayList<>();
            for (int i = 0; i < manifests.size(); i++) {
                String manifestId = manifests.get(i);
                String file = dir.resolve("f-" + round + "-" + i + ".parquet").toUri().toString();
                snapshots.add(pool.submit(() -> {
                    Catalog c = IcebergCatalogs.load(s, new Configuration());
                    try {
                        Table t = c.loadTable(TableIdentifier.parse(IcebergFixture.TABLE));
                        start.await(60, TimeUnit.SECONDS);
                        return ManifestAppends.appendOnce(t, manifestId, List.of(fakeFile(t, file)), Map.of())
                                .snapshotId();
                    } finally {
                        IcebergCatalogs.close(c);
                    }
                }));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<Long> f : snapshots) {
                ids.add(f.get(120, TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertEquals(1, new HashSet<>(ids.subList(0, 3)).size(), "the attempts of one manifest share a snapshot");

            Table t = IcebergFixture.load(s, IcebergFixture.TABLE, new Configuration());
            for (String m : new HashSet<>(manifests)) {
                assertEquals(1, IcebergFixture.snapshotsOf(t, m).size(), m + " committed once");
            }
            List<String> files = new ArrayList<>();
            try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
                tasks.forEach(task -> files.add(task.file().location()));
            }
            assertEquals(4 * (round + 1), files.size(), "one file per manifest, none twice: " + files);
            assertEquals(files.size(), new HashSet<>(files).size());
        }
    }

    private static DataFile fakeFile(Table t, String location) {
        return DataFiles.builder(t.spec()).withPath(location).withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(100).withRecordCount(1).build();
    }

    /** Two manifests converted at the same time by Spark into one table: both appends present, each row once. */
    @Test
    void twoManifestsConvertedAtOnce() throws Exception {
        SparkSession spark = IcebergFixture.session();
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        String m1 = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T01:00:00Z"),
                IcebergFixture.input(dir, "one.ndjson", 0, 1500, 0));
        String m2 = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-27T01:00:00Z"),
                IcebergFixture.input(dir, "two.ndjson", 100_000, 2500, 0));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<ManifestConversion.Outcome>> runs = new ArrayList<>();
        for (String m : List.of(m1, m2)) {
            runs.add(pool.submit(() -> {
                start.await(60, TimeUnit.SECONDS);
                return new ManifestConversion(spark, IcebergFixture.settings(s)).run(m);
            }));
        }
        for (Future<ManifestConversion.Outcome> f : runs) {
            f.get(300, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Table t = IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
        assertEquals(1, IcebergFixture.snapshotsOf(t, IcebergFixture.idOf(m1)).size());
        assertEquals(1, IcebergFixture.snapshotsOf(t, IcebergFixture.idOf(m2)).size());
        List<Record> rows = IcebergFixture.rows(t);
        assertEquals(4000, rows.size());
        Set<Long> ids = new HashSet<>();
        rows.forEach(r -> assertTrue(ids.add((Long) r.getField("id"))));
        assertEquals(1500, rows.stream().filter(r -> r.getField("ingest_date").toString().equals("2026-11-26")).count());
        assertEquals(2500, rows.stream().filter(r -> r.getField("ingest_date").toString().equals("2026-11-27")).count());
    }
}
