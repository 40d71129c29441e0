package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.CatalogProperties;
import dev.ndjsonparquet.tables.IcebergCatalogs;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.OutputMode;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.conversion.SchemaEvolution;
import dev.ndjsonparquet.spark.evolution.WriteSchema;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.spark.output.OutputLayout;
import dev.ndjsonparquet.spark.write.BadRecordsParquet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output mode Iceberg for one manifest, as {@code ManifestConversion} uses it:
 * <ol>
 *   <li>{@link #committedResult()}: a manifest already appended (the run died after its commit, before its
 *       result record) is not converted again; its result record is rebuilt from the draft the commit names.</li>
 *   <li>{@link #prepare}: tables created or evolved; the run writes into a directory of its own under each
 *       table's data location, which no reader sees until a snapshot references it.</li>
 *   <li>{@link #commit}: the draft result record is written, then the bad records and the rows are appended,
 *       each table once per manifest ({@link ManifestAppends}); the result names the snapshots.</li>
 * </ol>
 * A failed or retried run leaves only unreferenced files in its own run directory; once the manifest is committed
 * they are removed ({@link EarlierRuns}), and an orphan-file clean-up finds any left (docs/iceberg.md).
 */
public final class IcebergOutput {

    /** Snapshot summary property: where the run's result record (without the snapshot ids) was drafted. */
    public static final String RESULT_DRAFT = "ndjson-parquet.result-draft";
    /** Snapshot summary properties: the manifest's accounting, for readers of the table's history. */
    public static final String LINES_READ = "ndjson-parquet.lines-read";
    public static final String BAD_RECORDS = "ndjson-parquet.bad-records";

    private static final Logger LOG = LoggerFactory.getLogger(IcebergOutput.class);

    private final SparkSession spark;
    private final IcebergSettings settings;
    private final PartitionMode partitionBy;
    private final Manifest manifest;
    private final Configuration conf;
    private final String run = UUID.randomUUID().toString();
    private Schema dataTableSchema;
    private Schema wantedSchema;
    private StructType writeSchema;

    private IcebergOutput(SparkSession spark, ConversionSettings.Values settings, Manifest manifest) {
        this.spark = spark;
        this.settings = settings.iceberg();
        this.partitionBy = settings.partitionBy();
        this.manifest = manifest;
        this.conf = spark.sparkContext().hadoopConfiguration();
    }

    /** The Iceberg output of this manifest, or null when the output mode is plain Parquet. */
    public static IcebergOutput of(SparkSession spark, ConversionSettings.Values settings, Manifest manifest) {
        return settings.outputMode() == OutputMode.ICEBERG ? new IcebergOutput(spark, settings, manifest) : null;
    }

    /** When an earlier run already appended this manifest: its result record, naming that snapshot. */
    public Optional<ConversionResult> committedResult() {
        return withCatalog(catalog -> {
            TableIdentifier dataId = TableIdentifier.parse(settings.table());
            if (!catalog.tableExists(dataId)) {
                return Optional.empty();
            }
            Optional<Snapshot> done = ManifestAppends.committed(catalog.loadTable(dataId), manifest.manifestId());
            if (done.isEmpty()) {
                return Optional.empty();
            }
            ConversionResult draft = readDraft(done.get().summary().get(RESULT_DRAFT));
            Long badSnapshot = null;
            TableIdentifier badId = TableIdentifier.parse(settings.badRecordsTable());
            if (catalog.tableExists(badId)) {
                badSnapshot = ManifestAppends.committed(catalog.loadTable(badId), manifest.manifestId())
                        .map(Snapshot::snapshotId).orElse(null);
            }
            LOG.info("manifest {} already committed to {} in snapshot {}", manifest.manifestId(), dataId,
                    done.get().snapshotId());
            removeEarlierRuns(catalog.loadTable(dataId), done.get());
            if (catalog.tableExists(badId)) {
                Table bad = catalog.loadTable(badId);
                ManifestAppends.committed(bad, manifest.manifestId()).ifPresent(s -> removeEarlierRuns(bad, s));
            }
            return Optional.of(draft.withIceberg(new ConversionResult.IcebergCommit(settings.table(),
                    done.get().snapshotId(), settings.badRecordsTable(), badSnapshot)));
        });
    }

    /**
     * Creates both tables when missing, decides the columns this manifest is written with ({@link WriteSchema}: the
     * declared schema, the table's columns, the fields observed in the input, the evolution mode) and plans the field
     * ids of the columns it adds, without committing them: the schema change is committed with the append, in one
     * transaction ({@link ManifestAppends#appendOnce(Table, String, List, Map, Schema, Schema)}). Returns the layout
     * with this run's own data and bad-record directories.
     */
    public OutputLayout prepare(OutputLayout plain, StructType declared, StructType observed, SchemaEvolution mode) {
        // Iceberg reads timestamps as INT64 (contract 6); Spark's default is INT96. Session-scoped setting.
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        return withCatalog(catalog -> {
            TableIdentifier dataId = TableIdentifier.parse(settings.table());
            StructType current = catalog.tableExists(dataId)
                    ? IcebergSchemas.fileColumns(catalog.loadTable(dataId).schema(), partitionBy) : null;
            WriteSchema decided = WriteSchema.decide(mode, declared, current, observed);
            Schema dataSchema = IcebergSchemas.tableSchema(decided.schema().add("_rescued_data", DataTypes.StringType),
                    partitionBy);
            Table data = TableSetup.open(catalog, dataId, dataSchema, IcebergSchemas.spec(dataSchema, partitionBy));
            if (current != null) {
                // The table as loaded now may hold columns another manifest added since: they are written too.
                decided = WriteSchema.decide(mode, declared, IcebergSchemas.fileColumns(data.schema(), partitionBy),
                        observed);
                dataSchema = IcebergSchemas.tableSchema(decided.schema().add("_rescued_data", DataTypes.StringType),
                        partitionBy);
            }
            writeSchema = decided.schema();
            wantedSchema = dataSchema;
            dataTableSchema = TableSetup.planned(data, dataSchema);
            if (!decided.added().isEmpty() || !decided.widened().isEmpty() || !decided.unknown().isEmpty()) {
                LOG.info("manifest {}: schema-evolution {}: adds {}, widens {}, rescues fields {}", manifest.manifestId(),
                        mode, decided.added(), decided.widened(), decided.unknown());
            }
            Schema badSchema = IcebergSchemas.tableSchema(BadRecordsParquet.SCHEMA, PartitionMode.parse("none"));
            Table bad = TableSetup.ensure(catalog, TableIdentifier.parse(settings.badRecordsTable()), badSchema,
                    PartitionSpec.unpartitioned());
            if (!FieldIds.annotate(BadRecordsParquet.SCHEMA, bad.schema()).equals(BadRecordsParquet.WRITTEN)) {
                throw new IllegalStateException("table " + settings.badRecordsTable() + " has other field ids than the"
                        + " bad-record files carry: " + bad.schema());
            }
            return new OutputLayout(runDirectory(data), runDirectory(bad), plain.staging(), plain.result());
        });
    }

    /** The columns this manifest is written with (as {@link #prepare} decided), with the table's field ids. */
    public StructType writeSchemaWithIds() {
        return FieldIds.annotate(writeSchema, requirePrepared());
    }

    /** The metadata that gives {@code _rescued_data} its field id in the data table. */
    public org.apache.spark.sql.types.Metadata rescuedColumnId() {
        return FieldIds.of(requirePrepared(), "_rescued_data");
    }

    private Schema requirePrepared() {
        if (dataTableSchema == null) {
            throw new IllegalStateException("prepare() first");
        }
        return dataTableSchema;
    }

    /**
     * Drafts the result record, appends the bad records then the rows (each once per manifest) and returns the
     * result naming both snapshots. {@code result.dataLocation()} and {@code badRecordsLocation()} are the run
     * directories {@link #prepare} gave.
     */
    public ConversionResult commit(ConversionResult result) {
        String draft = writeDraft(result);
        return withCatalog(catalog -> {
            boolean s3Paths = CatalogProperties.recordsS3Paths(CatalogProperties.of(settings, null));
            Map<String, String> summary = Map.of(RESULT_DRAFT, draft,
                    LINES_READ, Long.toString(result.linesRead()),
                    BAD_RECORDS, Long.toString(result.badRecords()));
            Long badSnapshot = null;
            String badLocation = result.badRecordsLocation();
            if (result.badRecordsLocation() != null) {
                Table bad = catalog.loadTable(TableIdentifier.parse(settings.badRecordsTable()));
                List<DataFile> files = RunFiles.of(bad, conf, result.badRecordsLocation(), null, s3Paths);
                Snapshot badCommitted = ManifestAppends.appendOnce(bad, manifest.manifestId(), files, summary);
                badSnapshot = badCommitted.snapshotId();
                removeEarlierRuns(bad, badCommitted);
                Set<String> badRuns = EarlierRuns.referencedRuns(bad, badCommitted);
                if (!badRuns.contains("run=" + run) && !badRuns.isEmpty()) {
                    // An earlier attempt died between the two appends: its bad records are the ones in the table.
                    badLocation = manifestDirectory(bad) + "/" + badRuns.iterator().next();
                }
            }
            Table data = catalog.loadTable(TableIdentifier.parse(settings.table()));
            LocalDate ingestDate = partitionBy.kind() == PartitionMode.Kind.INGEST_DATE
                    ? manifest.createdAt().atZone(ZoneOffset.UTC).toLocalDate() : null;
            List<DataFile> files = RunFiles.of(data, conf, result.dataLocation(), ingestDate, s3Paths);
            Snapshot snapshot = ManifestAppends.appendOnce(data, manifest.manifestId(), files, summary,
                    wantedSchema, requirePrepared());
            removeEarlierRuns(data, snapshot);
            LOG.info("manifest {}: {} files appended to {} in snapshot {}", manifest.manifestId(), files.size(),
                    settings.table(), snapshot.snapshotId());
            return withBadRecordsLocation(result, badLocation).withIceberg(new ConversionResult.IcebergCommit(
                    settings.table(), snapshot.snapshotId(), settings.badRecordsTable(), badSnapshot));
        });
    }

    private static ConversionResult withBadRecordsLocation(ConversionResult r, String location) {
        return java.util.Objects.equals(location, r.badRecordsLocation()) ? r : new ConversionResult(r.manifestId(),
                r.startedAt(), r.finishedAt(), r.files(), r.filesConverted(), r.quarantinedFiles(), r.linesRead(),
                r.blankLines(), r.rowsWritten(), r.rowsWithRescuedData(), r.badRecords(), r.bytesIn(), r.bytesOut(),
                r.outputFiles(), r.schemaSource(), r.durationsMs(), r.dataLocation(), location, r.iceberg(), r.usage(),
                r.internalErrors(), r.capacity());
    }

    private String runDirectory(Table table) {
        return manifestDirectory(table) + "/run=" + run;
    }

    private String manifestDirectory(Table table) {
        String dataRoot = table.properties().getOrDefault(TableProperties.WRITE_DATA_LOCATION, table.location() + "/data");
        String root = dataRoot.startsWith("s3://") ? "s3a://" + dataRoot.substring("s3://".length()) : dataRoot;
        return root + "/manifest_id=" + manifest.manifestId();
    }

    /** The manifest is committed: the files of its other runs can never be referenced; they go. */
    private void removeEarlierRuns(Table table, Snapshot committed) {
        int removed = EarlierRuns.remove(conf, manifestDirectory(table), EarlierRuns.referencedRuns(table, committed));
        if (removed > 0) {
            LOG.info("manifest {}: removed {} unreferenced run directories of earlier attempts from {}",
                    manifest.manifestId(), removed, table.name());
        }
    }

    private String writeDraft(ConversionResult result) {
        // Beside the result records, outside the table: an orphan-file clean-up of the table must not remove it.
        Path results = new Path(OutputLayout.of(manifest, partitionBy).result()).getParent();
        Path draft = new Path(results.getParent(), "_drafts/" + manifest.manifestId() + "/run=" + run + ".json");
        try {
            FileSystem fs = draft.getFileSystem(conf);
            try (OutputStream out = fs.create(draft, true)) {
                out.write(result.toJson());
            }
            return draft.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the draft result record " + draft, e);
        }
    }

    private ConversionResult readDraft(String location) {
        if (location == null) {
            throw new IllegalStateException("manifest " + manifest.manifestId() + " is committed without "
                    + RESULT_DRAFT + " in its snapshot summary");
        }
        String hadoopPath = location.startsWith("s3://") ? "s3a://" + location.substring("s3://".length()) : location;
        Path p = new Path(hadoopPath);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            return ConversionResult.fromJson(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the draft result record " + location, e);
        }
    }

    private <T> T withCatalog(Function<Catalog, T> work) {
        Catalog catalog = IcebergCatalogs.load(settings, conf);
        try {
            return work.apply(catalog);
        } finally {
            IcebergCatalogs.close(catalog);
        }
    }
}
