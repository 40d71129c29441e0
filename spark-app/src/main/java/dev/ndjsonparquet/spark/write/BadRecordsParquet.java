package dev.ndjsonparquet.spark.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ndjsonparquet.spark.columns.ColumnBatch;
import dev.ndjsonparquet.spark.columns.ColumnTree;
import dev.ndjsonparquet.spark.parse.RowShredder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The manifest's bad records as Parquet, written by the driver from the tasks' staging files without
 * a Spark job: each staged record gets its absolute line number (the lines of the file's earlier
 * splits plus its line in the split), in order of source file and line. Bad records are few next to
 * rows; one file, rolled every {@link #ROWS_PER_FILE} records. Where the files go is the caller's
 * ({@link BadRecordsCommit}: a commit protocol's work path).
 */
public final class BadRecordsParquet {

    public static final StructType SCHEMA = new StructType()
            .add("manifest_id", DataTypes.StringType)
            .add("source_file", DataTypes.StringType)
            .add("line_number", DataTypes.LongType)
            .add("byte_offset", DataTypes.LongType)
            .add("reason", DataTypes.StringType)
            .add("raw_line", DataTypes.StringType)
            .add("raw_line_bytes", DataTypes.LongType)
            .add("raw_line_truncated", DataTypes.BooleanType);
    /**
     * {@link #SCHEMA} with Parquet field ids 1 to 8 in order: the ids of the bad-records table, which is created from
     * this schema (ids assigned in order) and never evolves; the files are read by id without a name mapping.
     */
    public static final StructType WRITTEN = withOrderedIds(SCHEMA);
    static final long ROWS_PER_FILE = 2_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A task's staging file with where its split starts in its source file. */
    public record Staged(String stagingFile, String sourceFile, int splitIndex, long linesBefore) implements java.io.Serializable {
    }

    private BadRecordsParquet() {
    }

    private static StructType withOrderedIds(StructType flat) {
        org.apache.spark.sql.types.StructField[] fields = flat.fields().clone();
        for (int i = 0; i < fields.length; i++) {
            org.apache.spark.sql.types.StructField f = fields[i];
            fields[i] = new org.apache.spark.sql.types.StructField(f.name(), f.dataType(), f.nullable(),
                    new org.apache.spark.sql.types.MetadataBuilder().withMetadata(f.metadata())
                            .putLong("parquet.field.id", i + 1).build());
        }
        return new StructType(fields);
    }

    /** The path of the {@code n}-th file (0-based) with the codec's extension, such as {@code .zstd.parquet}. */
    @FunctionalInterface
    interface FileNames {
        Path file(int n, String extension);
    }

    /** Writes every staged record into files named by {@code names}; returns the number written. */
    static long write(Configuration conf, FileNames names, String manifestId, List<Staged> staged, String compression,
                      int zstdLevel) throws IOException {
        MessageType parquet = ParquetSchemas.of(WRITTEN);
        ColumnBatch batch = new ColumnBatch(ColumnTree.of(WRITTEN, parquet), 1024);
        RowShredder shredder = new RowShredder(batch);
        CompressionCodecName codec = CompressionCodecName.fromConf(compression);
        conf = new Configuration(conf);
        conf.setInt("parquet.compression.codec.zstd.level", zstdLevel);
        CodecFactory codecs = new CodecFactory(conf, 1 << 20);
        ParquetProperties props = ParquetProperties.builder().withSizeStatisticsEnabled(false).build();
        UTF8String manifest = UTF8String.fromString(manifestId);
        long count = 0;
        int fileNo = 0;
        ParquetColumnFile file = null;
        try {
            for (Staged s : staged.stream().sorted(Comparator.comparing(Staged::sourceFile)
                    .thenComparingInt(Staged::splitIndex)).toList()) {
                Path p = new Path(s.stagingFile());
                FileSystem fs = p.getFileSystem(conf);
                UTF8String source = UTF8String.fromString(s.sourceFile());
                try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.isEmpty()) {
                            continue;
                        }
                        JsonNode n = JSON.readTree(line);
                        batch.beginRow();
                        shredder.shred(new GenericInternalRow(new Object[] {manifest, source,
                            s.linesBefore() + n.get("line_in_split").asLong(), n.get("byte_offset").asLong(),
                            UTF8String.fromString(n.get("reason").asText()), UTF8String.fromString(n.get("raw_line").asText()),
                            n.get("raw_line_bytes").asLong(), n.get("raw_line_truncated").asBoolean()}));
                        batch.commitRow();
                        count++;
                        if (batch.full() || count % ROWS_PER_FILE == 0) {
                            if (file == null) {
                                file = open(conf, names, fileNo++, parquet, props, codecs, codec);
                            }
                            flush(batch, file);
                            if (count % ROWS_PER_FILE == 0) {
                                file.close();
                                file = null;
                            }
                        }
                    }
                }
            }
            if (batch.rows() > 0) {
                if (file == null) {
                    file = open(conf, names, fileNo, parquet, props, codecs, codec);
                }
                flush(batch, file);
            }
            if (file != null) {
                file.close();
                file = null;
            }
        } finally {
            if (file != null) {
                file.close();
            }
            codecs.release();
        }
        return count;
    }

    private static ParquetColumnFile open(Configuration conf, FileNames names, int n, MessageType parquet,
                                          ParquetProperties props, CodecFactory codecs, CompressionCodecName codec)
            throws IOException {
        Path path = names.file(n, codec.getExtension() + ".parquet");
        return new ParquetColumnFile(HadoopOutputFile.fromPath(path, conf), parquet, props, codecs.getCompressor(codec),
                ParquetSchemas.footer(SCHEMA), 128L << 20);
    }

    private static void flush(ColumnBatch batch, ParquetColumnFile file) throws IOException {
        int[] cursors = new int[batch.leafCount()];
        for (int row = 0; row < batch.rows(); row++) {
            file.writeRow(batch, cursors);
        }
        file.maybeEndRowGroup();
        batch.clear();
    }
}
