package dev.ndjsonparquet.spark.columns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.spark.write.ParquetSchemas;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Rows roll back cleanly, and a batch of long values is full long before its row capacity. */
class ColumnBatchTest {

    private static ColumnBatch batch(int capacity) {
        StructType s = StructType.fromDDL("s STRING, n BIGINT");
        return new ColumnBatch(ColumnTree.of(s, ParquetSchemas.of(s)), capacity);
    }

    @Test
    void aRolledBackRowLeavesNothingBehind() {
        ColumnBatch b = batch(16);
        b.beginRow();
        b.leaf(0).addBytes(0, new byte[] {'a'}, 0, 1);
        b.leaf(1).addLong(0, 1);
        b.commitRow();
        b.beginRow();
        b.leaf(0).addBytes(0, new byte[] {'b', 'c'}, 0, 2);
        b.rollbackRow();
        assertEquals(1, b.rows());
        assertEquals(1, b.leaf(0).size());
        assertEquals(1, b.leaf(1).size());
        assertEquals(1, b.leaf(0).bytes());
    }

    @Test
    void longValuesFillABatchByBytes() {
        ColumnBatch b = batch(4096);
        byte[] big = new byte[1 << 20];
        int rows = 0;
        while (!b.full()) {
            b.beginRow();
            b.leaf(0).addBytes(0, big, 0, big.length);
            b.leaf(1).addNull(0, 0);
            b.commitRow();
            rows++;
        }
        assertEquals(ColumnBatch.MAX_BYTES >> 20, rows, "a batch of 1 MB strings holds 32 of them");
        b.clear();
        assertFalse(b.full());
        assertTrue(b.rows() == 0);
    }

    /** A row of more values than the batch has room for grows the leaf's buffers (it threw at index 8,192, issue 19). */
    @Test
    void aRowOfMoreValuesThanTheBatchHoldsGrowsItsBuffers() {
        StructType s = StructType.fromDDL("xs ARRAY<BIGINT>, ds ARRAY<DOUBLE>");
        ColumnBatch b = new ColumnBatch(ColumnTree.of(s, ParquetSchemas.of(s)), 4);
        b.beginRow();
        for (int i = 0; i < 100_000; i++) {
            b.leaf(0).addLong(i == 0 ? 0 : 1, i);
            b.leaf(1).addDouble(i == 0 ? 0 : 1, i / 2.0);
        }
        b.commitRow();
        assertEquals(100_000, b.leaf(0).size());
        assertEquals(99_999L, b.leaf(0).longAt(99_999));
        assertEquals(49_999.5, b.leaf(1).doubleAt(99_999));
    }
}
