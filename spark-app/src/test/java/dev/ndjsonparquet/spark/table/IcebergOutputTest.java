package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.spark.faults.FailAfterTableCommit;
import dev.ndjsonparquet.spark.faults.FailBeforeResult;
import dev.ndjsonparquet.spark.faults.InjectedFailure;
import dev.ndjsonparquet.spark.faults.InjectedFailures;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output mode Iceberg through the local JDBC catalog: every row once, read back with Iceberg's own reader;
 * kills before and after the commit; the snapshot names the manifest and agrees with the result record.
 */
class IcebergOutputTest {

    private static final Instant CREATED = Instant.parse("2026-11-26T05:00:00Z");

    @TempDir
    Path dir;
    private final SparkSession spark = IcebergFixture.session();
    private final Configuration conf = spark.sparkContext().hadoopConfiguration();
    private IcebergSettings catalog;
    private ConversionSettings.Values settings;
    private String manifest;
    private String manifestId;

    @BeforeEach
    void twoFilesOneManifest() {
        catalog = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        settings = IcebergFixture.settings(catalog);
        Path a = IcebergFixture.input(dir, "a.ndjson", 0, 2000, 0);
        Path b = IcebergFixture.input(dir, "b.ndjson", 10_000, 2000, 3);
        manifest = IcebergFixture.manifestOf(dir.resolve("out"), CREATED, a, b);
        manifestId = IcebergFixture.idOf(manifest);
    }

    private ManifestConversion.Outcome run() throws IOException {
        return new ManifestConversion(spark, settings).run(manifest);
    }

    private Table table() {
        return IcebergFixture.load(catalog, IcebergFixture.TABLE, conf);
    }

    /** Exactly the 4,000 rows of the inputs, each once, with their values, partitioned by the ingest date. */
    private void assertTableHoldsEveryRowOnce() {
        List<Record> rows = IcebergFixture.rows(table());
        assertEquals(4000, rows.size());
        Set<Long> ids = new HashSet<>();
        for (Record r : rows) {
            long id = (Long) r.getField("id");
            assertTrue(ids.add(id), "duplicated id " + id);
            assertEquals("v" + id, r.getField("v"));
            int i = (int) (id % 10_000);
            assertEquals(OffsetDateTime.of(2026, 11, 20 + i % 3, 10, 0, 0, 0, ZoneOffset.UTC), r.getField("ts"));
            assertEquals(LocalDate.of(2026, 11, 26), r.getField("ingest_date"));
            assertNull(r.getField("_rescued_data"));
        }
        assertEquals(2000, ids.stream().filter(id -> id < 10_000).count());
        List<Record> bad = IcebergFixture.rows(IcebergFixture.load(catalog, IcebergFixture.BAD_TABLE, conf));
        assertEquals(3, bad.size());
        assertTrue(bad.stream().allMatch(r -> manifestId.equals(r.getField("manifest_id"))
                && ((String) r.getField("raw_line")).startsWith("not json")), bad.toString());
    }

    @Test
    void roundTripThroughTheCatalog() throws IOException {
        ConversionResult r = run().result();
        assertTableHoldsEveryRowOnce();

        Table t = table();
        List<Snapshot> mine = IcebergFixture.snapshotsOf(t, manifestId);
        assertEquals(1, mine.size());
        Snapshot s = mine.get(0);
        assertEquals(t.currentSnapshot().snapshotId(), s.snapshotId());
        assertEquals(s.snapshotId(), r.iceberg().snapshotId());
        assertEquals(IcebergFixture.TABLE, r.iceberg().table());
        assertEquals(Long.toString(r.rowsWritten()), s.summary().get(SnapshotSummary.ADDED_RECORDS_PROP));
        assertEquals(Long.toString(r.outputFiles()), s.summary().get(SnapshotSummary.ADDED_FILES_PROP));
        assertEquals(Long.toString(r.linesRead()), s.summary().get(IcebergOutput.LINES_READ));
        assertEquals("3", s.summary().get(IcebergOutput.BAD_RECORDS));
        assertEquals(4003, r.linesRead());
        Snapshot badSnapshot = IcebergFixture.load(catalog, IcebergFixture.BAD_TABLE, conf).currentSnapshot();
        assertEquals(badSnapshot.snapshotId(), r.iceberg().badRecordsSnapshotId());
        assertEquals(manifestId, badSnapshot.summary().get(ManifestAppends.MANIFEST_ID));

        // The result record on disk names the snapshot.
        ConversionResult written = ConversionResult.fromJson(
                Files.readAllBytes(dir.resolve("out/_results/" + manifestId + ".json")));
        assertEquals(s.snapshotId(), written.iceberg().snapshotId());
        // No plain Parquet table: the rows live only under the Iceberg table's location.
        assertFalse(Files.exists(dir.resolve("out/ingest_date=2026-11-26")));
        assertTrue(Path.of(java.net.URI.create(r.dataLocation())).startsWith(dir.resolve("warehouse/lake/events/data")),
                r.dataLocation());
        // Timestamps are INT64 (Iceberg cannot read Spark's default INT96 as a timestamp column).
        String someFile = t.currentSnapshot().addedDataFiles(t.io()).iterator().next().location();
        try (ParquetFileReader f = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(someFile), conf))) {
            assertEquals(PrimitiveType.PrimitiveTypeName.INT64,
                    f.getFooter().getFileMetaData().getSchema().getType("ts").asPrimitiveType().getPrimitiveTypeName());
        }
        // Read back as demo does: the catalog's snapshot names the files, Spark reads exactly those.
        TableReadBack readBack = TableReadBack.read(catalog, IcebergFixture.TABLE, spark);
        assertEquals(4000, readBack.rowsRead());
        assertEquals(4000, readBack.rowsInMetadata());
        assertEquals(List.of(new TableReadBack.Append(manifestId, s.snapshotId(), 4000, List.of())), readBack.manifests());
        // A second run of a finished manifest changes nothing.
        assertTrue(run().skipped());
        assertEquals(1, IcebergFixture.snapshotsOf(table(), manifestId).size());
    }

    @Test
    void killedAfterTheFilesAndBeforeTheCommit() throws IOException {
        InjectedFailures.install(spark, FailBeforeResult.class);
        try {
            assertThrows(InjectedFailure.class, this::run);
        } finally {
            InjectedFailures.clear(spark);
        }
        assertNull(table().currentSnapshot(), "nothing visible before the commit");
        Set<String> leftBehind = parquetFileNamesUnder(dir.resolve("warehouse"));
        assertFalse(leftBehind.isEmpty(), "the killed run wrote files");

        ConversionResult r = run().result();
        assertEquals(1, IcebergFixture.snapshotsOf(table(), manifestId).size());
        assertTableHoldsEveryRowOnce();
        Table t = table();
        Set<String> referenced = new HashSet<>();
        t.currentSnapshot().addedDataFiles(t.io()).forEach(f -> referenced.add(Path.of(java.net.URI.create(f.location()))
                .toString()));
        assertEquals(r.outputFiles(), referenced.size());
        assertTrue(referenced.stream().noneMatch(leftBehind::contains), "the killed run's files were never referenced");
        // Once the manifest is committed, the killed run's files are removed: only referenced files remain.
        assertTrue(leftBehind.stream().noneMatch(f -> Files.exists(Path.of(f))), "the killed run's files are gone");
        assertEquals(referenced, parquetFileNamesUnder(dir.resolve("warehouse/lake/events")));
        assertEquals(1, parquetFileNamesUnder(dir.resolve("warehouse/lake/bad_records")).size());
    }

    @Test
    void killedAfterTheCommitAndBeforeTheResultRecord() throws IOException {
        InjectedFailures.install(spark, FailAfterTableCommit.class);
        try {
            assertThrows(InjectedFailure.class, this::run);
        } finally {
            InjectedFailures.clear(spark);
        }
        assertFalse(Files.exists(dir.resolve("out/_results/" + manifestId + ".json")));
        long committedSnapshot = table().currentSnapshot().snapshotId();
        long filesAfterFirstRun = parquetFilesUnder(dir.resolve("warehouse"));

        ManifestConversion.Outcome retry = run();
        assertEquals(committedSnapshot, retry.result().iceberg().snapshotId());
        assertEquals(1, IcebergFixture.snapshotsOf(table(), manifestId).size());
        assertEquals(committedSnapshot, table().currentSnapshot().snapshotId());
        assertEquals(filesAfterFirstRun, parquetFilesUnder(dir.resolve("warehouse")), "the retry did not convert again");
        assertEquals(4000, retry.result().rowsWritten());
        assertTableHoldsEveryRowOnce();
        assertTrue(Files.exists(dir.resolve("out/_results/" + manifestId + ".json")));
    }

    /**
     * An earlier attempt died between its two appends (bad records committed, rows not): the retry commits the
     * rows once, leaves the bad records it finds, and its result record points at them.
     */
    @Test
    void killedBetweenTheBadRecordsAndTheRowsCommit() throws IOException {
        String other = IcebergFixture.manifestOf(dir.resolve("out0"), CREATED, IcebergFixture.input(dir, "c.ndjson", 90_000, 5, 1));
        new ManifestConversion(spark, settings).run(other); // creates both tables
        Table bad = IcebergFixture.load(catalog, IcebergFixture.BAD_TABLE, conf);
        String earlierRun = bad.location() + "/data/manifest_id=" + manifestId + "/run=earlier";
        Catalog c = IcebergCatalogs.load(catalog, conf);
        long earlierSnapshot;
        try {
            Table t = c.loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(IcebergFixture.BAD_TABLE));
            earlierSnapshot = ManifestAppends.appendOnce(t, manifestId, List.of(DataFiles.builder(t.spec())
                    .withPath(earlierRun + "/part-00000.parquet").withFormat(FileFormat.PARQUET)
                    .withFileSizeInBytes(100).withRecordCount(3).build()), Map.of()).snapshotId();
        } finally {
            IcebergCatalogs.close(c);
        }

        ConversionResult r = run().result();
        assertEquals(earlierSnapshot, r.iceberg().badRecordsSnapshotId());
        assertEquals(earlierRun, r.badRecordsLocation());
        assertEquals(1, IcebergFixture.snapshotsOf(IcebergFixture.load(catalog, IcebergFixture.BAD_TABLE, conf), manifestId).size());
        assertEquals(1, IcebergFixture.snapshotsOf(table(), manifestId).size());
        assertEquals(4000 + 5, IcebergFixture.rows(table()).size());
    }

    /** A manifest with no row at all is still one append: the table records that it was done. */
    @Test
    void aManifestOfBadLinesOnlyIsAnEmptyAppend() throws IOException {
        Path bad = dir.resolve("bad.ndjson");
        Files.writeString(bad, "not json\n[1,2]\n");
        String m = IcebergFixture.manifestOf(dir.resolve("out2"), CREATED, bad);
        ConversionResult r = new ManifestConversion(spark, settings).run(m).result();
        assertEquals(0, r.rowsWritten());
        assertEquals(2, r.badRecords());
        Table t = table();
        assertEquals(1, IcebergFixture.snapshotsOf(t, IcebergFixture.idOf(m)).size());
        assertEquals(r.iceberg().snapshotId(), t.currentSnapshot().snapshotId());
        assertEquals("0", t.currentSnapshot().summary().getOrDefault(SnapshotSummary.ADDED_RECORDS_PROP, "0"));
        assertEquals(2, IcebergFixture.rows(IcebergFixture.load(catalog, IcebergFixture.BAD_TABLE, conf)).size());
    }

    static long parquetFilesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        }
    }

    /** Full paths, so that two runs' files (Spark reuses names across jobs) are told apart. */
    static Set<String> parquetFileNamesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).map(Path::toString)
                    .collect(Collectors.toSet());
        }
    }
}
