package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.columns.ColumnBatch;
import dev.ndjsonparquet.spark.columns.ColumnTree;
import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.parse.JsonRowConverter;
import dev.ndjsonparquet.spark.parse.LineToColumns;
import dev.ndjsonparquet.spark.parse.Timestamps;
import dev.ndjsonparquet.spark.read.FileSplitRange;
import dev.ndjsonparquet.spark.read.SplitLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The columnar task: reads one split's lines ({@link SplitLines}, as the Spark-writer path does), parses each straight into column buffers (or writes a
 * bad record), and writes the buffers as Parquet files in the commit protocol's work path; then
 * commits the task attempt. Rows never become {@code InternalRow}s on the fast path. The same
 * guarantees as {@code SplitConverter}: every non-blank line is one row or one bad record; a corrupt
 * compressed file stops the split and is reported for quarantine; a storage error fails the attempt
 * (the commit protocol discards its files and Spark retries it).
 */
public final class ColumnarSplitTask implements FlatMapFunction<Iterator<FileSplitRange>, ColumnarTaskResult> {

    private static final long serialVersionUID = 1L;
    private static final int BATCH_ROWS = 4096;
    /** Spark's directory name for a null partition value. */
    static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    /** Broadcast, not captured by value: shipped once per executor, not inside every task's closure. */
    private final Broadcast<ColumnarWriteSpec> specBroadcast;
    private final Broadcast<SerializableConfiguration> confBroadcast;
    private final FileCommitProtocol committer;
    private final String jobTrackerId;

    ColumnarSplitTask(Broadcast<ColumnarWriteSpec> spec, Broadcast<SerializableConfiguration> conf,
                      FileCommitProtocol committer, String jobTrackerId) {
        this.specBroadcast = spec;
        this.confBroadcast = conf;
        this.committer = committer;
        this.jobTrackerId = jobTrackerId;
    }

    /** Frees the broadcast values on the driver and the executors once the job is over. */
    void release() {
        specBroadcast.destroy();
        confBroadcast.destroy();
    }

    @Override
    public Iterator<ColumnarTaskResult> call(Iterator<FileSplitRange> splits) throws Exception {
        if (!splits.hasNext()) {
            return java.util.Collections.emptyIterator();
        }
        FileSplitRange split = splits.next();
        TaskContext ctx = TaskContext.get();
        TaskAttemptContext attempt = attemptContext(ctx, split.index());
        committer.setupTask(attempt);
        try {
            ColumnarTaskResult r = convert(split, attempt, ctx);
            return List.of(r).iterator();
        } catch (Throwable t) {
            committer.abortTask(attempt);
            throw t;
        }
    }

    private TaskAttemptContext attemptContext(TaskContext ctx, int partition) {
        return CommitProtocolJob.taskContext(confBroadcast.value().value(), jobTrackerId, ctx == null ? 0 : ctx.stageId(),
                partition, ctx == null ? 0 : ctx.attemptNumber());
    }

    private ColumnarTaskResult convert(FileSplitRange split, TaskAttemptContext attempt, TaskContext ctx) throws IOException {
        ColumnarWriteSpec spec = specBroadcast.value();
        StructType full = spec.fileSchema();
        MessageType parquet = ParquetSchemas.of(full);
        ColumnTree tree = ColumnTree.of(full, parquet);
        ColumnBatch batch = new ColumnBatch(tree, BATCH_ROWS);
        LineToColumns lineToColumns = new LineToColumns(batch, spec.schema(), spec.mismatch());
        EventDates eventDates = spec.eventDateField() < 0 ? null : new EventDates(tree, spec.eventDateField());
        Configuration c = confBroadcast.value().value();
        String attemptId = ctx == null ? "driver" : Long.toString(ctx.taskAttemptId());
        Checkpoints checkpoints = Checkpoints.load(spec.checkpointsClass());
        long rows = 0;
        long rescued = 0;
        try (BadRecordWriter bad = new BadRecordWriter(
                new Path(spec.stagingDir(), "bad-" + split.index() + "-" + attemptId + ".jsonl"), c, spec.rawMaxBytes());
             TaskFiles files = new TaskFiles(spec, parquet, ParquetSchemas.footer(full), committer, attempt)) {
            int rootTag = files.tagOf(null);
            SplitLines lines = SplitLines.open(split, c, spec.maxLineBytes());
            ConvertibleLines convertible = new ConvertibleLines(lines, bad, checkpoints, split.index());
            try {
                while (convertible.next()) {
                    LineToColumns.Outcome o;
                    int tag;
                    try {
                        convertible.converting();
                        o = lineToColumns.convert(convertible.buffer(), convertible.offset(), convertible.length());
                        tag = o == LineToColumns.Outcome.BAD || eventDates == null ? rootTag
                                : files.tagOf(eventDates.dirOf(batch));
                    } catch (RuntimeException | StackOverflowError e) {
                        batch.rollbackRow(); // the last-resort guard: nothing of the line stays in the batch
                        convertible.rejectInternal(e);
                        continue;
                    }
                    if (o == LineToColumns.Outcome.BAD) {
                        convertible.reject(lineToColumns.badReason());
                        continue;
                    }
                    if (o == LineToColumns.Outcome.RESCUED_ROW) {
                        rescued++;
                    }
                    int row = batch.commitRow();
                    batch.setRowTag(row, tag);
                    rows++;
                    if (batch.full()) {
                        files.write(batch);
                        batch.clear();
                    }
                }
                files.write(batch);
                batch.clear();
            } finally {
                lines.close();
            }
            files.close();
            bad.close();
            checkpoints.splitRead(split.index(), lines.nonBlankLines());
            FileCommitProtocol.TaskCommitMessage msg = committer.commitTask(attempt);
            SplitStats stats = new SplitStats(split.index(), split.fileIndex(), lines.physicalLines(),
                    lines.nonBlankLines(), rows, rescued, bad.count(), split.end() - split.start(), bad.file(),
                    lines.quarantineReason(), convertible.failures());
            return new ColumnarTaskResult(stats, msg, lineToColumns.slowLines());
        }
    }

    /** The partition directory ({@code event_date=yyyy-MM-dd}) of the row just committed. */
    static final class EventDates {
        private final ColumnTree.Leaf leaf;
        private final Map<Long, String> dirs = new HashMap<>();

        EventDates(ColumnTree tree, int field) {
            this.leaf = (ColumnTree.Leaf) tree.root().fields[field];
        }

        String dirOf(ColumnBatch batch) {
            ColumnBatch.LeafBuffer l = batch.leaf(leaf.index);
            int e = l.size() - 1; // a top-level leaf has exactly one entry per row
            Integer days;
            if (l.def(e) != l.maxDef) {
                days = null;
            } else if (leaf.type instanceof TimestampType) {
                days = (int) Math.floorDiv(l.longAt(e), 86_400_000_000L);
            } else if (leaf.type instanceof DateType) {
                days = (int) l.longAt(e);
            } else {
                days = Timestamps.parseDays(new String(l.arena(), l.offsetAt(e), l.lengthAt(e), StandardCharsets.UTF_8));
            }
            String value = days == null ? NULL_PARTITION : null;
            if (days != null) {
                value = dirs.computeIfAbsent((long) days, d -> LocalDate.ofEpochDay(d).toString());
            }
            return dev.ndjsonparquet.conversion.PartitionMode.EVENT_DATE_COLUMN + "=" + value;
        }
    }
}
