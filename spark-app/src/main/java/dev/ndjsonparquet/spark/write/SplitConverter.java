package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.conversion.SchemaMismatch;
import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.parse.JsonRowConverter;
import dev.ndjsonparquet.spark.parse.Timestamps;
import dev.ndjsonparquet.spark.read.FileSplitRange;
import dev.ndjsonparquet.spark.read.SplitLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The Spark-writer path's task: reads one split ({@link SplitLines}), turns each non-blank line into a row or
 * a bad record, and reports what it saw. A file that changed or a compressed file that turns out corrupt
 * stops the split and is reported for quarantine (the driver then removes whatever rows it had produced);
 * an error of the storage itself fails the task, so Spark retries it.
 */
public final class SplitConverter implements FlatMapFunction<Iterator<FileSplitRange>, InternalRow> {

    private static final long serialVersionUID = 1L;

    /** Broadcast, not captured by value: a wide schema is tens of KB serialised (1,000 columns: 70 KB). */
    private final Broadcast<StructType> schemaBroadcast;
    private final SchemaMismatch mismatch;
    private final int eventDateField;
    private final String stagingDir;
    private final int maxLineBytes;
    private final int rawMaxBytes;
    /** Broadcast, not captured by value: the Hadoop configuration is about 110 KB serialised. */
    private final Broadcast<SerializableConfiguration> conf;
    private final CollectionAccumulator<SplitStats> stats;
    private final String checkpointsClass;

    public SplitConverter(Broadcast<StructType> schema, SchemaMismatch mismatch, int eventDateField, String stagingDir,
                   int maxLineBytes, int rawMaxBytes, Broadcast<SerializableConfiguration> conf,
                   CollectionAccumulator<SplitStats> stats, String checkpointsClass) {
        this.schemaBroadcast = schema;
        this.mismatch = mismatch;
        this.eventDateField = eventDateField;
        this.stagingDir = stagingDir;
        this.maxLineBytes = maxLineBytes;
        this.rawMaxBytes = rawMaxBytes;
        this.conf = conf;
        this.stats = stats;
        this.checkpointsClass = checkpointsClass;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<FileSplitRange> splits) {
        if (!splits.hasNext()) {
            return java.util.Collections.emptyIterator();
        }
        return new Rows(splits.next());
    }

    private final class Rows implements Iterator<InternalRow> {
        private final FileSplitRange split;
        private final StructType schema = schemaBroadcast.value();
        private final JsonRowConverter converter;
        private final Checkpoints checkpoints = Checkpoints.load(checkpointsClass);
        private SplitLines lines;
        private BadRecordWriter bad;
        private ConvertibleLines convertible;
        private GenericInternalRow next;
        private boolean done;
        private long rows;
        private long rescued;

        Rows(FileSplitRange split) {
            this.split = split;
            this.converter = new JsonRowConverter(schema, mismatch, eventDateField >= 0 ? 1 : 0);
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            try {
                if (lines == null) {
                    open();
                }
                next = advance();
                if (next == null) {
                    finish();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + split.uri() + " bytes " + split.start() + "-" + split.end(), e);
            }
            return next != null;
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            InternalRow r = next;
            next = null;
            return r;
        }

        private void open() throws IOException {
            lines = SplitLines.open(split, conf.value().value(), maxLineBytes);
            TaskContext ctx = TaskContext.get();
            String attempt = ctx == null ? "driver" : Long.toString(ctx.taskAttemptId());
            bad = new BadRecordWriter(new Path(stagingDir, "bad-" + split.index() + "-" + attempt + ".jsonl"),
                    conf.value().value(), rawMaxBytes);
            convertible = new ConvertibleLines(lines, bad, checkpoints, split.index());
            if (ctx != null) {
                ctx.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) c -> closeQuietly());
            }
        }

        /** The next row, writing bad records on the way; null at the end of the split. */
        private GenericInternalRow advance() throws IOException {
            while (convertible.next()) {
                GenericInternalRow row;
                try {
                    convertible.converting();
                    row = converter.convert(convertible.buffer(), convertible.offset(), convertible.length());
                    if (row != null && eventDateField >= 0) {
                        row.update(converter.width() - 1, eventDate(row));
                    }
                } catch (RuntimeException | StackOverflowError e) {
                    convertible.rejectInternal(e); // the last-resort guard: the line is a bad record, not a failed task
                    continue;
                }
                if (row == null) {
                    convertible.reject(converter.badReason());
                    continue;
                }
                if (!row.isNullAt(schema.size())) {
                    rescued++;
                }
                rows++;
                return row;
            }
            return null;
        }

        private UTF8String eventDate(GenericInternalRow row) {
            if (row.isNullAt(eventDateField)) {
                return null;
            }
            DataType t = schema.fields()[eventDateField].dataType();
            Integer days;
            if (t instanceof TimestampType) {
                days = (int) Math.floorDiv(row.getLong(eventDateField), 86_400_000_000L);
            } else if (t instanceof DateType) {
                days = row.getInt(eventDateField);
            } else {
                days = Timestamps.parseDays(row.getUTF8String(eventDateField).toString());
            }
            return days == null ? null : UTF8String.fromString(LocalDate.ofEpochDay(days).toString());
        }

        private void finish() throws IOException {
            done = true;
            closeQuietly();
            stats.add(new SplitStats(split.index(), split.fileIndex(), lines.physicalLines(), lines.nonBlankLines(), rows,
                    rescued, bad.count(), split.end() - split.start(), bad.file(), lines.quarantineReason(),
                    convertible.failures()));
            checkpoints.splitRead(split.index(), lines.nonBlankLines());
        }

        private void closeQuietly() {
            try {
                if (bad != null) {
                    bad.close();
                }
                if (lines != null) {
                    lines.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

}
