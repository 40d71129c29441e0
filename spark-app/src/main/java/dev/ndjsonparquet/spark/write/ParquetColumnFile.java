package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.columns.ColumnBatch;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet file written with parquet-java's low-level API: rows of a {@link ColumnBatch} go value by
 * value, with their levels, into the column writers of a {@code ColumnWriteStore} (no record shredding,
 * no {@code RecordConsumer}); a row group is cut when the buffered size reaches the target, as
 * parquet-java's own record writer does.
 */
final class ParquetColumnFile implements AutoCloseable {

    private final ParquetFileWriter file;
    private final MessageType schema;
    private final ParquetProperties props;
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private final List<ColumnDescriptor> columns;
    private final Map<String, String> footer;
    private final long rowGroupBytes;
    private final ColumnWriter[] writers;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore store;
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
        this.writers = new ColumnWriter[columns.size()];
        file.start();
        newStore();
    }

    private void newStore() {
        pages = new ColumnChunkPageWriteStore(compressor, schema, props.getAllocator(),
                props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled(), null, ordinal);
        store = props.newColumnWriteStore(schema, pages, pages);
        for (int i = 0; i < writers.length; i++) {
            writers[i] = store.getColumnWriter(columns.get(i));
        }
    }

    /**
     * Writes one row of the batch: for each leaf, the entries from {@code cursors[leaf]} up to the next
     * entry that starts a row (repetition level 0); advances the cursors.
     */
    void writeRow(ColumnBatch batch, int[] cursors) {
        for (int i = 0; i < writers.length; i++) {
            ColumnBatch.LeafBuffer l = batch.leaf(i);
            ColumnWriter w = writers[i];
            int c = cursors[i];
            int size = l.size();
            do {
                int r = l.rep(c);
                int d = l.def(c);
                if (d != l.maxDef) {
                    w.writeNull(r, d);
                } else {
                    switch (l.kind) {
                        case BINARY, DECIMAL_BINARY ->
                                w.write(Binary.fromReusedByteArray(l.arena(), l.offsetAt(c), l.lengthAt(c)), r, d);
                        case INT64 -> w.write(l.longAt(c), r, d);
                        case INT32 -> w.write((int) l.longAt(c), r, d);
                        case DOUBLE -> w.write(l.doubleAt(c), r, d);
                        case FLOAT -> w.write((float) l.doubleAt(c), r, d);
                        case BOOLEAN -> w.write(l.longAt(c) != 0, r, d);
                        default -> throw new IllegalStateException(l.kind.toString());
                    }
                }
                c++;
            } while (c < size && l.rep(c) != 0);
            cursors[i] = c;
        }
        store.endRecord();
        rowsInGroup++;
        rows++;
    }

    /** Cuts a row group when enough is buffered; called between batches. */
    void maybeEndRowGroup() throws IOException {
        if (store.getBufferedSize() >= rowGroupBytes) {
            endRowGroup();
        }
    }

    long bufferedBytes() {
        return store.getBufferedSize();
    }

    void endRowGroup() throws IOException {
        if (rowsInGroup > 0) {
            file.startBlock(rowsInGroup);
            store.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
            ordinal++;
            rowsInGroup = 0;
        }
        store.close();
        pages.close();
        newStore();
    }

    /** Bytes written to the file so far plus what is buffered (to roll files by size). */
    long approximateSize() throws IOException {
        return file.getPos() + store.getBufferedSize() / 3;
    }

    long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        if (rowsInGroup > 0) {
            file.startBlock(rowsInGroup);
            store.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
        }
        store.close();
        pages.close();
        file.end(footer);
    }
}
