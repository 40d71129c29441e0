package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.columns.ColumnBatch;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet file written with parquet-java's low-level file and page API: each leaf column's values
 * are encoded into pages by a {@link ColumnChunkEncoder} (a whole batch at a time where the batch goes
 * to this file only), the pages go to a {@code ColumnChunkPageWriteStore} (compression, page and column
 * indexes), and a row group is cut when the buffered size reaches the target, as parquet-java's own
 * record writer does.
 */
final class ParquetColumnFile implements AutoCloseable {

    private final ParquetFileWriter file;
    private final MessageType schema;
    private final ParquetProperties props;
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private final List<ColumnDescriptor> columns;
    private final Map<String, String> footer;
    private final long rowGroupBytes;
    private final ColumnChunkEncoder[] encoders;
    private ColumnChunkPageWriteStore pages;
    private long rowsInGroup;
    private long rows;
    private int ordinal;

    ParquetColumnFile(OutputFile out, MessageType schema, ParquetProperties props,
                      CompressionCodecFactory.BytesInputCompressor compressor, Map<String, String> footer,
                      long rowGroupBytes) throws IOException {
        this.file = new ParquetFileWriter(out, schema, ParquetFileWriter.Mode.CREATE, rowGroupBytes, 0, null, props);
        this.schema = schema;
        this.props = props;
        this.compressor = compressor;
        this.columns = schema.getColumns();
        this.footer = footer;
        this.rowGroupBytes = rowGroupBytes;
        this.encoders = new ColumnChunkEncoder[columns.size()];
        for (int i = 0; i < encoders.length; i++) {
            encoders[i] = new ColumnChunkEncoder(columns.get(i), props, props.getPageSizeThreshold());
        }
        file.start();
        newPages();
    }

    private void newPages() {
        pages = new ColumnChunkPageWriteStore(compressor, schema, props.getAllocator(),
                props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled(), null, ordinal);
        for (int i = 0; i < encoders.length; i++) {
            encoders[i].startChunk(pages.getPageWriter(columns.get(i)));
        }
    }

    /** Writes every row of the batch (all of them belong to this file). */
    void writeBatch(ColumnBatch batch) throws IOException {
        for (int i = 0; i < encoders.length; i++) {
            ColumnBatch.LeafBuffer l = batch.leaf(i);
            encoders[i].write(l, 0, l.size());
        }
        rowsInGroup += batch.rows();
        rows += batch.rows();
    }

    /**
     * Writes one row of the batch: for each leaf, the entries from {@code cursors[leaf]} up to the next
     * entry that starts a row (repetition level 0); advances the cursors.
     */
    void writeRow(ColumnBatch batch, int[] cursors) throws IOException {
        for (int i = 0; i < encoders.length; i++) {
            ColumnBatch.LeafBuffer l = batch.leaf(i);
            int c = cursors[i];
            int end = c + 1;
            int size = l.size();
            while (end < size && l.rep(end) != 0) {
                end++;
            }
            encoders[i].write(l, c, end);
            cursors[i] = end;
        }
        rowsInGroup++;
        rows++;
    }

    /** Cuts a row group when enough is buffered; called between batches. */
    void maybeEndRowGroup() throws IOException {
        if (bufferedBytes() >= rowGroupBytes) {
            endRowGroup();
        }
    }

    long bufferedBytes() {
        long b = 0;
        for (ColumnChunkEncoder e : encoders) {
            b += e.bufferedBytes();
        }
        return b;
    }

    void endRowGroup() throws IOException {
        if (rowsInGroup > 0) {
            flushRowGroup();
            ordinal++;
            rowsInGroup = 0;
            pages.close();
            newPages();
        }
    }

    private void flushRowGroup() throws IOException {
        file.startBlock(rowsInGroup);
        for (ColumnChunkEncoder e : encoders) {
            e.endChunk();
        }
        pages.flushToFileWriter(file);
        file.endBlock();
    }

    /** Bytes written to the file so far plus what is buffered (to roll files by size). */
    long approximateSize() throws IOException {
        return file.getPos() + bufferedBytes() / 3;
    }

    long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        try {
            if (rowsInGroup > 0) {
                flushRowGroup();
            }
            pages.close();
            file.end(footer);
        } finally {
            for (ColumnChunkEncoder e : encoders) {
                e.close();
            }
        }
    }
}
