package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.capacity.CapacityType;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.conversion.SchemaEvolution;
import dev.ndjsonparquet.conversion.WriterEngine;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.commit.AttemptFence;
import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.commit.FencedCommits;
import dev.ndjsonparquet.spark.evolution.WriteSchema;
import dev.ndjsonparquet.spark.commit.ManifestGate;
import dev.ndjsonparquet.spark.commit.ResultRecords;
import dev.ndjsonparquet.spark.commit.SupersededAttemptException;
import dev.ndjsonparquet.spark.output.AbandonedUploads;
import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.spark.output.OutputLayout;
import dev.ndjsonparquet.spark.parse.JsonRowConverter;
import dev.ndjsonparquet.spark.read.FileSplitRange;
import dev.ndjsonparquet.spark.read.HadoopPaths;
import dev.ndjsonparquet.spark.read.SplitPlanner;
import dev.ndjsonparquet.spark.source.SourcePin;
import dev.ndjsonparquet.spark.table.IcebergOutput;
import dev.ndjsonparquet.spark.usage.ExecutorCapacityTypes;
import dev.ndjsonparquet.spark.usage.ExecutorListener;
import dev.ndjsonparquet.spark.usage.ExecutorTimeline;
import dev.ndjsonparquet.spark.usage.TaskTime;
import dev.ndjsonparquet.spark.write.BadRecordsCommit;
import dev.ndjsonparquet.spark.write.BadRecordsParquet;
import dev.ndjsonparquet.spark.write.ColumnarConversionJob;
import dev.ndjsonparquet.spark.write.ColumnarWriteSpec;
import dev.ndjsonparquet.spark.write.SplitConverter;
import dev.ndjsonparquet.spark.write.SplitStats;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts one manifest: checks its files, converts the readable ones in one Spark job, removes this run's rows of
 * files found corrupt or changed, commits the bad records (one task, fenced as the rows), checks the accounting
 * against the Parquet as a reader sees it and writes the result record last. Idempotent: a manifest whose result record exists is skipped; otherwise its earlier partial
 * output is deleted first, so a retry never duplicates rows. Fenced: a driver superseded by a newer
 * attempt commits, deletes and records nothing more ({@link AttemptFence}); the result record is
 * written once. Inputs are read pinned to the manifest's versions ({@link SourcePin}).
 */
public final class ManifestConversion {

    /** Row groups of the columnar writer are cut at this buffered size (parquet-java's default). */
    private static final long ROW_GROUP_BYTES = 128L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(ManifestConversion.class);

    private final SparkSession spark;
    private final ConversionSettings.Values settings;
    private Checkpoints checkpoints;
    private ManifestGate gate = ManifestGate.NONE;

    public ManifestConversion(SparkSession spark, ConversionSettings.Values settings) {
        this.spark = spark;
        this.settings = settings;
    }

    /** The result, and whether it was already there (nothing converted this time). */
    public record Outcome(ConversionResult result, boolean skipped, String resultLocation) {
    }

    /**
     * Test hooks in the driver: called at each point of the run (see {@link Checkpoints}), instead of the class
     * {@link Checkpoints#CLASS_SETTING} names. Tasks still use that class, if any.
     */
    public ManifestConversion withCheckpoints(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
        return this;
    }

    /**
     * What the manifest read must pass before anything is deleted or written (the pin and the allow-lists the
     * dispatcher passed); without it only the id and the size limit are checked (the {@code convert} command).
     */
    public ManifestConversion checkedBy(ManifestGate manifestGate) {
        this.gate = manifestGate;
        return this;
    }

    /** Converts the manifest as its first attempt (the {@code convert} command). */
    public Outcome run(String manifestUri) throws IOException {
        return run(manifestUri, 1);
    }

    /**
     * Converts the manifest as the given attempt: a run that finds a newer attempt started stops with
     * {@link SupersededAttemptException} and commits nothing more.
     */
    public Outcome run(String manifestUri, int attempt) throws IOException {
        try {
            return runAttempt(manifestUri, attempt);
        } catch (Exception e) {
            SupersededAttemptException superseded = SupersededAttemptException.in(e);
            if (superseded != null) {
                throw superseded; // also when Spark wrapped it while aborting a job commit
            }
            throw e;
        } finally {
            FencedCommits.leave();
        }
    }

    private Outcome runAttempt(String manifestUri, int attempt) throws IOException {
        if (checkpoints == null) {
            checkpoints = Checkpoints.load(checkpointsClass());
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Manifest manifest = gate.read(conf, manifestUri);
        OutputLayout layout = OutputLayout.of(manifest, settings.partitionBy());
        Path resultPath = new Path(layout.result());
        FileSystem outFs = resultPath.getFileSystem(conf);
        if (outFs.exists(resultPath)) {
            LOG.info("manifest {} already converted ({}): skipping", manifest.manifestId(), resultPath);
            try (InputStream in = outFs.open(resultPath)) {
                return new Outcome(ConversionResult.fromJson(in.readAllBytes()), true, layout.result());
            }
        }
        IcebergOutput iceberg = IcebergOutput.of(spark, settings, manifest);
        Optional<ConversionResult> committed = iceberg == null ? Optional.empty() : iceberg.committedResult();
        if (committed.isPresent()) {
            writeResult(outFs, resultPath, committed.get());
            return new Outcome(committed.get(), false, layout.result());
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        try (TaskTime taskTime = TaskTime.listen(spark.sparkContext())) {
            return convertAttempt(manifestUri, attempt, manifest, layout, resultPath, outFs, iceberg, started, t0, taskTime);
        }
    }

    private Outcome convertAttempt(String manifestUri, int attempt, Manifest manifest, OutputLayout layout, Path resultPath,
                                   FileSystem outFs, IcebergOutput iceberg, Instant started, long t0, TaskTime taskTime)
            throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        AttemptFence fence = AttemptFence.begin(conf, layout, manifest.manifestId(), attempt, checkpoints);
        for (String dir : List.of(layout.dataRoot(), layout.badRecords(), layout.staging())) {
            outFs.delete(new Path(dir), true);
        }
        AbandonedUploads.abortUnder(conf, List.of(layout.dataRoot(), layout.badRecords(), layout.staging()));
        useCommittersFor(layout.dataRoot(), conf);
        FencedCommits.enter(spark, fence);

        // Files the allow-lists refuse are quarantined unread; the others convert.
        Map<Integer, String> quarantined = new LinkedHashMap<>(gate.refusedFiles(manifest));
        List<SourcePin> pins = new ArrayList<>();
        List<SplitPlanner.PlannedFile> readable = checkFiles(conf, manifest, quarantined, pins);
        long bytesIn = readable.stream().mapToLong(SplitPlanner.PlannedFile::size).sum();
        SchemaSource.Found schema = SchemaSource.resolve(spark, conf, settings.schema(), manifest.schema(),
                readable.stream().map(SplitPlanner.PlannedFile::uri).toList(), settings.inferSampleLines(),
                settings.maxLineBytes(), settings.writer() == WriterEngine.SPARK,
                evolution(manifest).observesInput());
        Metadata rescuedId = Metadata.empty();
        if (iceberg != null) {
            layout = iceberg.prepare(layout, schema.declared(), schema.observed(), evolution(manifest));
            // Earlier runs wrote into sibling run= directories of this manifest's own directory.
            AbandonedUploads.abortUnder(conf, List.of(new Path(layout.dataRoot()).getParent().toString(),
                    new Path(layout.badRecords()).getParent().toString()));
            // The files carry the table's field ids, so that readers match columns by id, not by name mapping.
            schema = schema.withSchema(iceberg.writeSchemaWithIds());
            rescuedId = iceberg.rescuedColumnId();
        } else {
            schema = schema.withSchema(WriteSchema.decide(evolution(manifest), schema.declared(), null,
                    schema.observed()).schema());
        }
        Map<Integer, SourcePin> pinOfFile = new HashMap<>();
        for (int i = 0; i < readable.size(); i++) {
            pinOfFile.put(readable.get(i).fileIndex(), pins.get(i));
        }
        // Each split carries its own file's pin: a task's payload stays the same size whatever the manifest's.
        List<FileSplitRange> splits = SplitPlanner.plan(readable, settings.splitBytes()).stream()
                .map(s -> s.withPin(pinOfFile.get(s.fileIndex()))).toList();
        long t1 = System.nanoTime();
        fence.check(Checkpoints.Point.PLANNED);

        List<SplitStats> stats = splits.isEmpty() ? List.of()
                : convert(conf, manifest, layout, schema, rescuedId, splits);
        long t2 = System.nanoTime();

        Map<Integer, SplitStats> bySplit = new HashMap<>();
        stats.forEach(s -> bySplit.putIfAbsent(s.splitIndex(), s));
        if (bySplit.size() != splits.size()) {
            throw new IllegalStateException("expected statistics of " + splits.size() + " splits, got " + bySplit.size());
        }
        for (SplitStats s : bySplit.values()) {
            if (s.quarantineReason() != null) {
                quarantined.putIfAbsent(s.fileIndex(), s.quarantineReason());
            }
        }
        fence.check(Checkpoints.Point.CLEANUP);
        QuarantinedRows.remove(conf, layout.dataRoot(), splits, quarantined, dataJob());
        List<SplitStats> kept = bySplit.values().stream().filter(s -> !quarantined.containsKey(s.fileIndex()))
                .sorted(Comparator.comparingInt(SplitStats::splitIndex)).toList();
        Map<Integer, Long> linesBefore = linesBefore(splits, bySplit);
        writeBadRecords(manifest, layout, kept, linesBefore);
        // Both counted in the Parquet as a reader sees it, not from what this run believes it wrote: a second copy
        // of any row or bad record (a stale driver's) fails the check, and no result record is written over it.
        OutputFiles data = OutputFiles.scan(conf, layout.dataRoot());
        OutputFiles bad = OutputFiles.scan(conf, layout.badRecords());
        long badRecords = bad.rows();
        long linesRead = kept.stream().mapToLong(SplitStats::nonBlankLines).sum();
        long rowsConverted = kept.stream().mapToLong(SplitStats::rows).sum();
        long badConverted = kept.stream().mapToLong(SplitStats::badRecords).sum();
        if (linesRead != data.rows() + badRecords || data.rows() != rowsConverted || badRecords != badConverted) {
            throw new IllegalStateException("accounting does not add up for " + manifest.manifestId() + ": lines read "
                    + linesRead + ", rows in the Parquet " + data.rows() + " (converted " + rowsConverted
                    + "), bad records in the Parquet " + badRecords + " (found " + badConverted + ")");
        }
        long internalErrors = logInternalErrors(manifest, kept, linesBefore);
        long t3 = System.nanoTime();
        List<ConversionResult.QuarantinedFile> q = quarantined.entrySet().stream()
                .map(e -> new ConversionResult.QuarantinedFile(manifest.files().get(e.getKey()).uri(), e.getValue()))
                .toList();
        long keptBytes = readable.stream().filter(f -> !quarantined.containsKey(f.fileIndex()))
                .mapToLong(SplitPlanner.PlannedFile::size).sum();
        ConversionResult result = new ConversionResult(manifest.manifestId(), started, Instant.now(),
                manifest.fileCount(), manifest.fileCount() - quarantined.size(), q, linesRead,
                kept.stream().mapToLong(s -> s.physicalLines() - s.nonBlankLines()).sum(), data.rows(),
                kept.stream().mapToLong(SplitStats::rescuedRows).sum(), badRecords, keptBytes,
                data.bytes() + bad.bytes(), data.count(), schema.source(),
                new ConversionResult.Durations(ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t3 - t0)),
                layout.dataRoot(), badRecords == 0 ? null : layout.badRecords())
                .withUsage(ConversionResult.Usage.of(spark.sparkContext().defaultParallelism(), ms(t3 - t0),
                        taskTime.millis(), keptBytes, settings.executorCoreHourPriceUsd()))
                .withInternalErrors(internalErrors);
        ExecutorTimeline executors = ExecutorListener.current();
        if (executors != null) {
            Map<String, CapacityType> types = executorCapacityTypes();
            result = result.withCapacity(executors.at(System.currentTimeMillis(), types));
        }
        fence.check(Checkpoints.Point.RESULT);
        if (iceberg != null) {
            result = iceberg.commit(result);
            checkpoints.reached(Checkpoints.Point.TABLE_COMMITTED, attempt);
        }
        writeResult(outFs, resultPath, result);
        fence.finish();
        outFs.delete(new Path(layout.staging()), true);
        LOG.info("manifest {}: {} lines, {} rows, {} bad records, {} quarantined files, {} MB in", manifest.manifestId(),
                linesRead, data.rows(), badRecords, q.size(), bytesIn / 1_000_000);
        return new Outcome(result, false, layout.result());
    }

    /**
     * On Kubernetes ({@code k8s://} master), the capacity type of each executor's node, read from the API server
     * ({@link ExecutorCapacityTypes}; anything unreadable counts as unknown, never a failure); elsewhere null: the
     * record then has no split by capacity type.
     */
    private Map<String, CapacityType> executorCapacityTypes() {
        org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
        if (!conf.get("spark.master", "").startsWith("k8s://")) {
            return null;
        }
        ExecutorCapacityTypes reader = ExecutorCapacityTypes.inCluster();
        if (reader == null) {
            LOG.warn("no Kubernetes ServiceAccount token in this driver's pod: executor-seconds count as capacity type unknown");
            return Map.of();
        }
        return reader.of(conf.get("spark.kubernetes.namespace", "default"), spark.sparkContext().applicationId());
    }

    private SchemaEvolution evolution(Manifest manifest) {
        return settings.schemaEvolution(manifest.schema() != null);
    }

    /**
     * The files that can be read; the others are quarantined with the reason (missing, changed, another size than
     * the manifest says). Files already in {@code quarantined} are not looked at. Each readable file gets a pin to
     * the version planned against, which every task opens.
     */
    private static List<SplitPlanner.PlannedFile> checkFiles(Configuration conf, Manifest m, Map<Integer, String> quarantined,
                                                             List<SourcePin> pins) throws IOException {
        List<SplitPlanner.PlannedFile> readable = new ArrayList<>();
        for (int i = 0; i < m.files().size(); i++) {
            if (quarantined.containsKey(i)) {
                continue;
            }
            ManifestFile f = m.files().get(i);
            String uri = HadoopPaths.normalize(f.uri());
            Path p = HadoopPaths.of(uri);
            FileStatus st;
            try {
                st = p.getFileSystem(conf).getFileStatus(p);
            } catch (FileNotFoundException e) {
                quarantined.put(i, "object not found");
                continue;
            }
            if (st.isDirectory()) {
                quarantined.put(i, "is a directory, not a file");
                continue;
            }
            String etag = st instanceof EtagSource es ? es.getEtag() : null;
            if (f.etag() != null && etag != null && !stripQuotes(etag).equals(stripQuotes(f.etag()))) {
                quarantined.put(i, "object changed since the manifest was written (etag " + f.etag() + ", now " + etag + ")");
                continue;
            }
            // With a matching ETag too: the size in the manifest came from an event, and sizes executors and limits.
            if (st.getLen() != f.size()) {
                quarantined.put(i, "size is " + st.getLen() + " bytes, the manifest says " + f.size());
                continue;
            }
            readable.add(new SplitPlanner.PlannedFile(i, uri, st.getLen()));
            pins.add(new SourcePin(p.toString(), st.getLen(), st.getModificationTime(),
                    f.etag() != null ? f.etag() : etag, f.versionId()));
        }
        return readable;
    }

    private List<SplitStats> convert(Configuration conf, Manifest manifest, OutputLayout layout, SchemaSource.Found schema,
                                     Metadata rescuedId, List<FileSplitRange> splits) throws IOException {
        PartitionMode mode = settings.partitionBy();
        int eventField = -1;
        if (mode.kind() == PartitionMode.Kind.EVENT_DATE) {
            eventField = List.of(schema.schema().fieldNames()).indexOf(mode.field());
            if (eventField < 0) {
                throw new IllegalArgumentException("partition-by event-date:" + mode.field()
                        + ": the schema has no top-level field of that name");
            }
        }
        String taskCheckpoints = checkpointsClass();
        if (settings.writer() == WriterEngine.COLUMNAR) {
            spark.sparkContext().setJobDescription("convert " + manifest.manifestId() + " (" + splits.size()
                    + " splits, columnar)");
            return ColumnarConversionJob.run(spark, conf, new ColumnarWriteSpec(schema.schema(), settings.mismatch(),
                    eventField, layout.dataRoot(), layout.staging(), settings.maxLineBytes(),
                    settings.badRecordRawMaxBytes(), settings.compression(), settings.zstdLevel(),
                    settings.targetFileBytes(), ROW_GROUP_BYTES, taskCheckpoints, rescuedId), splits);
        }
        StructType out = schema.schema().add(new StructField(JsonRowConverter.RESCUED_COLUMN, DataTypes.StringType, true, rescuedId));
        if (eventField >= 0) {
            out = out.add(PartitionMode.EVENT_DATE_COLUMN, DataTypes.StringType);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CollectionAccumulator<SplitStats> acc = spark.sparkContext().collectionAccumulator("split statistics");
        // Broadcast, so that each task carries its split and references only (see columnar-write-path.md).
        Broadcast<StructType> taskSchema = jsc.broadcast(schema.schema());
        Broadcast<SerializableConfiguration> taskConf = jsc.broadcast(new SerializableConfiguration(conf));
        SplitConverter task = new SplitConverter(taskSchema, settings.mismatch(), eventField, layout.staging(),
                settings.maxLineBytes(), settings.badRecordRawMaxBytes(), taskConf, acc, taskCheckpoints);
        JavaRDD<InternalRow> rows = jsc.parallelize(splits, splits.size()).mapPartitions(task);
        Dataset<Row> df = ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(rows.rdd(), out, false);
        double avgLine = schema.avgLineBytes() > 0 ? schema.avgLineBytes() : 1000;
        long maxRecords = Math.max(10_000, (long) (settings.targetFileBytes() * settings.compressionRatio() / avgLine));
        var writer = df.write().mode(SaveMode.Overwrite)
                .option("compression", settings.compression())
                .option("maxRecordsPerFile", maxRecords);
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        if (eventField >= 0) {
            writer = writer.partitionBy(PartitionMode.EVENT_DATE_COLUMN);
        }
        spark.sparkContext().setJobDescription("convert " + manifest.manifestId() + " (" + splits.size() + " splits)");
        try {
            writer.parquet(layout.dataRoot());
        } finally {
            taskSchema.destroy();
            taskConf.destroy();
        }
        return new ArrayList<>(acc.value());
    }

    /**
     * The id of the job that committed this run's rows: Spark and the columnar writer name each file
     * {@code part-<partition>-<job id>}, so the id tells this run's files from a stale driver's. Null when the session's
     * commit protocol has no fenced form (a protocol the job configured itself), which reports no id.
     */
    private static String dataJob() {
        List<String> jobs = FencedCommits.committedJobs();
        return jobs.isEmpty() ? null : jobs.get(jobs.size() - 1);
    }

    /** For each split, the physical lines of the earlier splits of its file (its first line's number is this + 1). */
    private static Map<Integer, Long> linesBefore(List<FileSplitRange> splits, Map<Integer, SplitStats> bySplit) {
        Map<String, Long> ofFile = new HashMap<>();
        Map<Integer, Long> before = new HashMap<>();
        for (FileSplitRange s : splits) {
            long b = ofFile.getOrDefault(s.uri(), 0L);
            before.put(s.index(), b);
            ofFile.put(s.uri(), b + bySplit.get(s.index()).physicalLines());
        }
        return before;
    }

    /**
     * Turns the successful attempts' staging files into Parquet with absolute line numbers, in the driver (no
     * Spark job, whichever writer converted the rows), committed through the fenced commit protocol.
     */
    private void writeBadRecords(Manifest manifest, OutputLayout layout, List<SplitStats> kept,
                                 Map<Integer, Long> linesBefore) {
        List<BadRecordsParquet.Staged> staged = kept.stream().filter(s -> s.badFile() != null)
                .map(s -> new BadRecordsParquet.Staged(s.badFile(), manifest.files().get(s.fileIndex()).uri(),
                        s.splitIndex(), linesBefore.get(s.splitIndex())))
                .toList();
        if (staged.isEmpty()) {
            return;
        }
        try {
            BadRecordsCommit.write(spark, spark.sparkContext().hadoopConfiguration(), layout.badRecords(),
                    manifest.manifestId(), staged, settings.compression(), settings.zstdLevel());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing the bad records of " + manifest.manifestId(), e);
        }
    }

    /**
     * Logs, once for the manifest, the lines the converters threw on (kept as bad records by their last-resort guard):
     * how many, and the first one's file, line and stack. Returns how many.
     */
    private static long logInternalErrors(Manifest manifest, List<SplitStats> kept, Map<Integer, Long> linesBefore) {
        long total = kept.stream().mapToLong(s -> s.failures().count()).sum();
        if (total == 0) {
            return 0;
        }
        SplitStats first = kept.stream().filter(s -> s.failures().count() > 0).findFirst().orElseThrow();
        LOG.warn("manifest {}: {} line(s) failed with an internal error and were kept as bad records (reason"
                        + " 'internal error: ...'); the first at {} line {}: {}", manifest.manifestId(), total,
                manifest.files().get(first.fileIndex()).uri(), linesBefore.get(first.splitIndex())
                        + first.failures().firstLine(), first.failures().firstDetail());
        return total;
    }

    /** Writes the result record once: a run that finds another run's record there stops, superseded. */
    private static void writeResult(FileSystem fs, Path result, ConversionResult r) throws IOException {
        if (!ResultRecords.createOnce(fs, result, r.toJson())) {
            throw new SupersededAttemptException("another run wrote the result record " + result
                    + " first; this run's record is not written");
        }
    }

    /** On S3, Spark commits through the S3A magic committer (no renames) unless the job configured another. */
    private void useCommittersFor(String dataRoot, Configuration conf) {
        if (!dataRoot.startsWith("s3a://")) {
            return;
        }
        var sqlConf = spark.conf();
        if (!sqlConf.contains("spark.sql.sources.commitProtocolClass")
                || sqlConf.get("spark.sql.sources.commitProtocolClass").contains("SQLHadoopMapReduceCommitProtocol")) {
            sqlConf.set("spark.sql.sources.commitProtocolClass",
                    "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol");
            sqlConf.set("spark.sql.parquet.output.committer.class",
                    "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");
        }
        if (conf.get("fs.s3a.committer.name") == null || "file".equals(conf.get("fs.s3a.committer.name"))) {
            conf.set("fs.s3a.committer.name", "magic");
        }
        conf.setIfUnset("fs.s3a.committer.magic.enabled", "true");
    }

    /** The class of checkpoints named in the session's Spark settings, or null (production names none). */
    private String checkpointsClass() {
        return spark.conf().getOption(Checkpoints.CLASS_SETTING).getOrElse(() -> null);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static String stripQuotes(String etag) {
        return etag.replace("\"", "");
    }
}
