package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.columns.ColumnBatch;
import dev.ndjsonparquet.spark.columns.ColumnTree;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-column encoding choices made from a task's first batch of rows, as DuckDB decides from its first
 * values: a column whose values are nearly all distinct (ratio above {@link #UNIQUE_RATIO}) gets no
 * dictionary (building one costs hash look-ups for nothing, and the writer falls back to plain anyway);
 * near-unique strings (ids, trace ids, free text) also get no min/max statistics, which readers do not
 * prune on. Numbers, timestamps, dates and low-cardinality strings keep their statistics.
 *
 * @param noDictionary dotted Parquet paths written without dictionary
 * @param noStatistics dotted Parquet paths written without statistics
 */
public record EncodingPlan(List<String> noDictionary, List<String> noStatistics) implements java.io.Serializable {

    public static final double UNIQUE_RATIO = 0.3;
    private static final int MIN_VALUES = 100;

    public static EncodingPlan decide(ColumnBatch batch, org.apache.parquet.schema.MessageType parquet) {
        List<String> noDict = new ArrayList<>();
        List<String> noStats = new ArrayList<>();
        for (int i = 0; i < batch.leafCount(); i++) {
            ColumnBatch.LeafBuffer l = batch.leaf(i);
            String path = String.join(".", parquet.getColumns().get(i).getPath());
            Set<Object> distinct = new HashSet<>();
            int values = 0;
            for (int k = 0; k < l.size(); k++) {
                if (l.def(k) != l.maxDef) {
                    continue;
                }
                values++;
                distinct.add(switch (l.kind) {
                    case BINARY, DECIMAL_BINARY -> ByteBuffer.wrap(l.arena(), l.offsetAt(k), l.lengthAt(k));
                    case FLOAT, DOUBLE -> l.doubleAt(k);
                    default -> l.longAt(k);
                });
            }
            if (values >= MIN_VALUES && distinct.size() > UNIQUE_RATIO * values && l.kind != ColumnTree.Kind.BOOLEAN) {
                noDict.add(path);
                if (l.kind == ColumnTree.Kind.BINARY) {
                    noStats.add(path);
                }
            }
        }
        return new EncodingPlan(List.copyOf(noDict), List.copyOf(noStats));
    }
}
