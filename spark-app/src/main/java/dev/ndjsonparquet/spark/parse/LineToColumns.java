package dev.ndjsonparquet.spark.parse;

import dev.ndjsonparquet.conversion.SchemaMismatch;
import dev.ndjsonparquet.spark.columns.ColumnBatch;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * One non-blank line into one row of the column batch, or a bad record. The fast parser takes the
 * lines it can convert exactly; the others go through {@link JsonRowConverter}, the reference for
 * every decision (rescue, schema-mismatch mode, bad-record reasons), and are then shredded.
 */
public final class LineToColumns {

    /** What happened to a line. */
    public enum Outcome { ROW, RESCUED_ROW, BAD }

    private final ColumnBatch batch;
    private final FastLineParser fast;
    private final JsonRowConverter reference;
    private final RowShredder shredder;
    private final int rescuedIndex;
    private String badReason;
    private long slowLines;

    /**
     * @param batch  buffers over the data schema plus {@code _rescued_data} (last top-level field)
     * @param schema the data schema (without {@code _rescued_data})
     */
    public LineToColumns(ColumnBatch batch, StructType schema, SchemaMismatch mismatch) {
        this.batch = batch;
        this.fast = new FastLineParser(batch);
        this.reference = new JsonRowConverter(schema, mismatch, 0);
        this.shredder = new RowShredder(batch);
        this.rescuedIndex = schema.size();
    }

    /** Appends the line as a row (then the caller commits it) or returns BAD with {@link #badReason()}. */
    public Outcome convert(byte[] b, int off, int len) {
        badReason = null;
        batch.beginRow();
        if (dev.ndjsonparquet.spark.parse.Utf8.firstInvalid(b, off, len) < 0 && fast.parse(b, off, len)) {
            return Outcome.ROW;
        }
        batch.rollbackRow();
        slowLines++;
        GenericInternalRow row = reference.convert(b, off, len);
        if (row == null) {
            badReason = reference.badReason();
            return Outcome.BAD;
        }
        shredder.shred(row);
        return row.isNullAt(rescuedIndex) ? Outcome.ROW : Outcome.RESCUED_ROW;
    }

    public String badReason() {
        return badReason;
    }

    /** Lines that went through the reference converter (for the design note's figures). */
    public long slowLines() {
        return slowLines;
    }
}
