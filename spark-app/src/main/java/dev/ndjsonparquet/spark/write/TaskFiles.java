package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.columns.ColumnBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.internal.io.FileNameSpec;
import scala.Option;

/**
 * The Parquet files of one task attempt: one open file per output partition (a directory such as
 * {@code event_date=2025-01-01}, or none), each created through the commit protocol in the committer's
 * work path, rolled over when it reaches the target size. Batches are written row by row to the file
 * of each row's partition. Encodings are decided on the first batch.
 */
final class TaskFiles implements AutoCloseable {

    private static final int PAGE_SIZE = 1 << 20;

    private final ColumnarWriteSpec spec;
    private final MessageType schema;
    private final java.util.Map<String, String> footer;
    private final FileCommitProtocol committer;
    private final TaskAttemptContext context;
    private final Configuration conf;
    private final CodecFactory codecs;
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private final CompressionCodecName codec;
    private final List<String> partitionDirs = new ArrayList<>();
    private final List<ParquetColumnFile> open = new ArrayList<>();
    private final RecyclingAllocator allocator = new RecyclingAllocator();
    private ParquetProperties props;
    private int filesCreated;

    TaskFiles(ColumnarWriteSpec spec, MessageType schema, java.util.Map<String, String> footer,
              FileCommitProtocol committer, TaskAttemptContext context) {
        this.spec = spec;
        this.schema = schema;
        this.footer = footer;
        this.committer = committer;
        this.context = context;
        this.conf = context.getConfiguration();
        this.codec = CompressionCodecName.fromConf(spec.compression());
        conf.setInt("parquet.compression.codec.zstd.level", spec.zstdLevel());
        this.codecs = new CodecFactory(conf, PAGE_SIZE);
        this.compressor = codec == CompressionCodecName.ZSTD ? new ZstdPageCompressor(spec.zstdLevel())
                : codecs.getCompressor(codec);
    }

    /** The tag of a partition directory (null: the output root). */
    int tagOf(String partitionDir) {
        int i = partitionDirs.indexOf(partitionDir);
        if (i >= 0) {
            return i;
        }
        partitionDirs.add(partitionDir);
        open.add(null);
        return partitionDirs.size() - 1;
    }

    /** Writes every row of the batch to the file of its tag, then cuts row groups and rolls files as due. */
    void write(ColumnBatch batch) throws IOException {
        if (batch.rows() == 0) {
            return;
        }
        if (props == null) {
            props = properties(EncodingPlan.decide(batch, schema));
        }
        int first = batch.rowTag(0);
        boolean oneFile = true;
        for (int row = 1; row < batch.rows() && oneFile; row++) {
            oneFile = batch.rowTag(row) == first;
        }
        if (oneFile) {
            ParquetColumnFile f = open.get(first);
            (f == null ? create(first) : f).writeBatch(batch);
        }
        int[] cursors = new int[batch.leafCount()];
        for (int row = 0; row < batch.rows() && !oneFile; row++) {
            int tag = batch.rowTag(row);
            ParquetColumnFile f = open.get(tag);
            if (f == null) {
                f = create(tag);
            }
            f.writeRow(batch, cursors);
        }
        long buffered = 0;
        ParquetColumnFile largest = null;
        for (int tag = 0; tag < open.size(); tag++) {
            ParquetColumnFile f = open.get(tag);
            if (f == null) {
                continue;
            }
            f.maybeEndRowGroup();
            long b = f.bufferedBytes();
            buffered += b;
            if (largest == null || b > largest.bufferedBytes()) {
                largest = f;
            }
            if (f.approximateSize() >= spec.targetFileBytes()) {
                f.close();
                open.set(tag, null);
                buffered -= b;
                largest = largest == f ? null : largest;
            }
        }
        // Many partitions open at once (event dates): bound the task's memory by cutting the largest row group.
        if (largest != null && buffered > spec.rowGroupBytes() * 2) {
            largest.endRowGroup();
        }
    }

    private ParquetColumnFile create(int tag) throws IOException {
        String dir = partitionDirs.get(tag);
        String ext = codec.getExtension() + ".parquet";
        String path = committer.newTaskTempFile(context, dir == null ? Option.empty() : Option.apply(dir),
                FileNameSpec.apply("", String.format("-c%03d%s", filesCreated++, ext)));
        ParquetColumnFile f = new ParquetColumnFile(HadoopOutputFile.fromPath(new Path(path), conf), schema, props,
                compressor, footer, spec.rowGroupBytes());
        open.set(tag, f);
        return f;
    }

    private ParquetProperties properties(EncodingPlan plan) {
        ParquetProperties.Builder b = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withPageSize(PAGE_SIZE)
                .withDictionaryPageSize(PAGE_SIZE)
                .withDictionaryEncoding(true)
                .withSizeStatisticsEnabled(false)
                .withAllocator(allocator);
        for (String p : plan.noDictionary()) {
            b.withDictionaryEncoding(p, false);
        }
        for (String p : plan.noStatistics()) {
            b.withStatisticsEnabled(p, false);
        }
        return b.build();
    }

    @Override
    public void close() throws IOException {
        try {
            for (int tag = 0; tag < open.size(); tag++) {
                ParquetColumnFile f = open.get(tag);
                if (f != null) {
                    open.set(tag, null);
                    f.close();
                }
            }
        } finally {
            if (compressor instanceof ZstdPageCompressor z) {
                z.release();
            }
            codecs.release();
        }
    }
}
