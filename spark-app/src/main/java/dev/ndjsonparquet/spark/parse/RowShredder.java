package dev.ndjsonparquet.spark.parse;

import dev.ndjsonparquet.spark.columns.ColumnBatch;
import dev.ndjsonparquet.spark.columns.ColumnTree;
import java.math.BigInteger;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Puts a row in Spark's internal form (from the reference converter: the lines the fast parser hands
 * back, with rescued values or unusual shapes) into the column buffers, with Dremel levels.
 */
public final class RowShredder {

    private final ColumnBatch batch;

    public RowShredder(ColumnBatch batch) {
        this.batch = batch;
    }

    /** The row's values, one per top-level field of the tree (data columns then {@code _rescued_data}). */
    public void shred(InternalRow row) {
        ColumnTree.StructNode root = batch.tree().root();
        StructType t = (StructType) root.type;
        for (int i = 0; i < root.fields.length; i++) {
            DataType ft = t.fields()[i].dataType();
            value(root.fields[i], row.isNullAt(i) ? null : row.get(i, ft), 0, root.defPresent);
        }
    }

    private void value(ColumnTree.Node node, Object v, int r, int parentDef) {
        if (v == null) {
            batch.nulls(node, r, parentDef);
            return;
        }
        if (node instanceof ColumnTree.StructNode s) {
            InternalRow row = (InternalRow) v;
            StructType t = (StructType) s.type;
            for (int i = 0; i < s.fields.length; i++) {
                value(s.fields[i], row.isNullAt(i) ? null : row.get(i, t.fields()[i].dataType()), r, s.defPresent);
            }
        } else if (node instanceof ColumnTree.ListNode l) {
            ArrayData a = (ArrayData) v;
            DataType et = ((ArrayType) l.type).elementType();
            if (a.numElements() == 0) {
                batch.nulls(l, r, l.defPresent);
                return;
            }
            for (int k = 0; k < a.numElements(); k++) {
                value(l.element, a.isNullAt(k) ? null : a.get(k, et), k == 0 ? r : l.repLevel, l.defPresent + 1);
            }
        } else if (node instanceof ColumnTree.MapNode m) {
            MapData md = (MapData) v;
            MapType mt = (MapType) m.type;
            if (md.numElements() == 0) {
                batch.nulls(m, r, m.defPresent);
                return;
            }
            ArrayData keys = md.keyArray();
            ArrayData values = md.valueArray();
            for (int k = 0; k < md.numElements(); k++) {
                int rr = k == 0 ? r : m.repLevel;
                leaf(m.key, keys.get(k, mt.keyType()), rr);
                value(m.value, values.isNullAt(k) ? null : values.get(k, mt.valueType()), rr, m.defPresent + 1);
            }
        } else {
            leaf((ColumnTree.Leaf) node, v, r);
        }
    }

    private void leaf(ColumnTree.Leaf leaf, Object v, int r) {
        ColumnBatch.LeafBuffer out = batch.leaf(leaf.index);
        if (leaf.type instanceof DecimalType dt) {
            Decimal d = (Decimal) v;
            if (leaf.kind == ColumnTree.Kind.DECIMAL_BINARY) {
                byte[] bytes = fixedBytes(d.toJavaBigDecimal().unscaledValue(), Decimal.minBytesForPrecision()[dt.precision()]);
                out.addBytes(r, bytes, 0, bytes.length);
            } else {
                out.addLong(r, d.toUnscaledLong());
            }
            return;
        }
        switch (leaf.kind) {
            case BINARY -> {
                byte[] bytes = ((UTF8String) v).getBytes();
                out.addBytes(r, bytes, 0, bytes.length);
            }
            case BOOLEAN -> out.addLong(r, ((Boolean) v) ? 1 : 0);
            case INT32, INT64 -> out.addLong(r, ((Number) v).longValue());
            case FLOAT, DOUBLE -> out.addDouble(r, ((Number) v).doubleValue());
            default -> throw new IllegalStateException("unexpected leaf kind " + leaf.kind);
        }
    }

    private static byte[] fixedBytes(BigInteger unscaled, int length) {
        byte[] raw = unscaled.toByteArray();
        byte[] out = new byte[length];
        byte pad = (byte) (unscaled.signum() < 0 ? 0xFF : 0);
        int start = length - raw.length;
        for (int i = 0; i < start; i++) {
            out[i] = pad;
        }
        System.arraycopy(raw, 0, out, start, raw.length);
        return out;
    }
}
