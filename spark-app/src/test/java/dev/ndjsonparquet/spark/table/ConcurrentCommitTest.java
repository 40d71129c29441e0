package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
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

    /**
     * Two manifests evolve the table at once, each adding its own column (nested for one), while plain appends race
     * them. Both prepared against the same schema, so both planned the same new field id: the first to commit gets
     * it; the second finds the id taken and stops without committing (SchemaRaceException), and its retry (the
     * dispatcher's) converts it again with the ids as they then are. Both columns end up in the table, every
     * manifest exactly once, every value readable by id.
     */
    @Test
    void twoManifestsEvolvingOneTableAtOnce() throws Exception {
        SparkSession spark = IcebergFixture.session();
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        // No explicit schema: schema-evolution defaults to add-new-columns.
        new ManifestConversion(spark, IcebergFixture.settings(s).withSchema(null)).run(IcebergFixture.manifestOf(
                dir.resolve("out"), Instant.parse("2026-11-25T01:00:00Z"), IcebergFixture.input(dir, "base.ndjson", 0, 10, 0)));
        java.nio.file.Path alpha = dir.resolve("alpha.ndjson");
        java.nio.file.Files.writeString(alpha, "{\"id\":1001,\"v\":\"a\",\"alpha\":\"first\"}\n");
        java.nio.file.Path beta = dir.resolve("beta.ndjson");
        java.nio.file.Files.writeString(beta, "{\"id\":2001,\"v\":\"b\",\"beta\":{\"deep\":7}}\n");
        List<String> manifests = List.of(
                IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T01:00:00Z"), alpha),
                IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T02:00:00Z"), beta),
                IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T03:00:00Z"),
                        IcebergFixture.input(dir, "plain.ndjson", 3000, 20, 0)));
        ExecutorService pool = Executors.newFixedThreadPool(manifests.size());
        CyclicBarrier start = new CyclicBarrier(manifests.size());
        List<Future<Integer>> runs = new ArrayList<>();
        for (String m : manifests) {
            runs.add(pool.submit(() -> {
                start.await(60, TimeUnit.SECONDS);
                for (int attempt = 1; ; attempt++) {
                    try {
                        new ManifestConversion(spark, IcebergFixture.settings(s).withSchema(null)).run(m);
                        return attempt;
                    } catch (ManifestAppends.SchemaRaceException e) {
                        if (attempt == 3) {
                            throw e;
                        }
                    }
                }
            }));
        }
        for (Future<Integer> f : runs) {
            f.get(300, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Table t = IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
        assertTrue(t.schema().findField("alpha") != null && t.schema().findField("beta.deep") != null, t.schema().toString());
        for (String m : manifests) {
            assertEquals(1, IcebergFixture.snapshotsOf(t, IcebergFixture.idOf(m)).size(), m + " committed once");
        }
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> it = org.apache.iceberg.data.IcebergGenerics.read(t).build()) {
            it.forEach(r -> rows.add(r.copy()));
        }
        assertEquals(32, rows.size());
        Record a = rows.stream().filter(r -> r.getField("id").equals(1001L)).findFirst().orElseThrow();
        Record b = rows.stream().filter(r -> r.getField("id").equals(2001L)).findFirst().orElseThrow();
        assertEquals("first", a.getField("alpha"));
        assertEquals(7L, ((Record) b.getField("beta")).getField("deep"));
        assertEquals(null, a.getField("beta"));
        assertEquals(null, a.getField("_rescued_data"));
        assertEquals(null, b.getField("_rescued_data"));
    }

    /** The race made certain: both evolutions planned on one schema; the second commit must not reuse the id. */
    @Test
    void aSchemaChangeBetweenPlanAndCommitIsRefusedNotMisread() throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
        Catalog c = IcebergCatalogs.load(s, new Configuration());
        try {
            Table t = TableSetup.ensure(c, TableIdentifier.parse(IcebergFixture.TABLE), schema,
                    IcebergSchemas.spec(schema, PartitionMode.parse("none")));
            Schema withX = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "x", Types.StringType.get()));
            Schema withY = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "y", Types.StringType.get()));
            Schema plannedX = TableSetup.planned(t, withX);
            Schema plannedY = TableSetup.planned(t, withY);
            Schema plannedX2 = TableSetup.planned(t, withX);
            assertEquals(plannedX.findField("x").fieldId(), plannedY.findField("y").fieldId());
            ManifestAppends.appendOnce(t, "m-x", List.of(fakeFile(t, dir.resolve("x.parquet").toString())), Map.of(),
                    withX, plannedX);
            assertEquals(2, t.schema().findField("x").fieldId());
            org.junit.jupiter.api.Assertions.assertThrows(ManifestAppends.SchemaRaceException.class,
                    () -> ManifestAppends.appendOnce(t, "m-y", List.of(fakeFile(t, dir.resolve("y.parquet").toString())),
                            Map.of(), withY, plannedY));
            t.refresh();
            assertEquals(0, IcebergFixture.snapshotsOf(t, "m-y").size(), "nothing committed with the stale ids");
            // An attempt of another manifest that planned the very same column: its ids still hold.
            ManifestAppends.appendOnce(t, "m-x2", List.of(fakeFile(t, dir.resolve("x2.parquet").toString())), Map.of(),
                    withX, plannedX2);
            ManifestAppends.appendOnce(t, "m-y", List.of(fakeFile(t, dir.resolve("y.parquet").toString())), Map.of(),
                    withY, TableSetup.planned(t, withY));
            assertEquals(3, t.schema().findField("y").fieldId());
            assertEquals(1, IcebergFixture.snapshotsOf(t, "m-y").size());
            assertEquals(3, t.snapshots().spliterator().getExactSizeIfKnown() < 0 ? 3
                    : (int) java.util.stream.StreamSupport.stream(t.snapshots().spliterator(), false).count());
        } finally {
            IcebergCatalogs.close(c);
        }
    }
}
