package dev.ndjsonparquet.spark.evolution;

import dev.ndjsonparquet.conversion.SchemaEvolution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schema a manifest is written with, decided from the schema-evolution mode (pure): the declared schema
 * (explicit setting or the manifest's), the table's columns (Iceberg mode, once the table exists) and the fields
 * observed in the input's sample. Fields are matched by name at every depth (structs, structs in arrays, map
 * values); a field the result lacks goes to {@code _rescued_data} when a row has it, and a value of another type
 * than its column's too. Nothing is ever dropped.
 *
 * @param schema  the columns written (without {@code _rescued_data})
 * @param added   paths of the columns the result has that the table (or, without one, the declared schema) lacks
 * @param widened paths of the columns whose type was widened, as {@code path: old -> new}
 * @param unknown paths of observed fields the result lacks (they are rescued; {@code fail-on-new-columns} stops)
 */
public record WriteSchema(StructType schema, List<String> added, List<String> widened, List<String> unknown) {

    /** The manifest stops: its input has fields the schema lacks and the mode is {@code fail-on-new-columns}. */
    public static final class NewColumnsRefused extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NewColumnsRefused(List<String> fields) {
            super("schema-evolution fail-on-new-columns: the input has fields the schema lacks: " + String.join(", ", fields)
                    + " (add them to the schema, or choose another schema-evolution mode)");
        }
    }

    /**
     * @param declared the explicit or manifest schema, or null
     * @param table    the table's file columns (Iceberg, existing table), or null
     * @param observed the fields seen in the sample, or null when not sampled
     */
    public static WriteSchema decide(SchemaEvolution mode, StructType declared, StructType table, StructType observed) {
        StructType base = table != null ? table : declared;
        List<String> added = new ArrayList<>();
        List<String> widened = new ArrayList<>();
        boolean widen = mode == SchemaEvolution.ADD_NEW_COLUMNS_WITH_TYPE_WIDENING;
        StructType result = switch (mode) {
            case ADD_NEW_COLUMNS, ADD_NEW_COLUMNS_WITH_TYPE_WIDENING -> {
                StructType s = base;
                if (table != null && declared != null) {
                    s = merge(s, declared, widen, "", added, widened);
                }
                if (observed != null) {
                    s = s == null ? observed : merge(s, observed, widen, "", added, widened);
                }
                yield s;
            }
            case RESCUE, FAIL_ON_NEW_COLUMNS -> {
                // The declared schema is the operator's: its new columns go into the table as before.
                StructType s = table != null && declared != null ? merge(table, declared, false, "", added, new ArrayList<>())
                        : base;
                yield s != null ? s : observed;
            }
            case NONE -> base != null ? base : observed;
        };
        if (result == null) {
            result = new StructType();
        }
        List<String> unknown = new ArrayList<>();
        if (observed != null) {
            merge(result, observed, false, "", unknown, new ArrayList<>());
        }
        if (mode == SchemaEvolution.FAIL_ON_NEW_COLUMNS && !unknown.isEmpty()) {
            throw new NewColumnsRefused(unknown);
        }
        return new WriteSchema(result, List.copyOf(added), List.copyOf(widened), List.copyOf(unknown));
    }

    /** {@code base} with the fields of {@code incoming} it lacks (at any depth), types kept unless widened. */
    static StructType merge(StructType base, StructType incoming, boolean widen, String path, List<String> added,
                            List<String> widened) {
        Map<String, StructField> out = new LinkedHashMap<>();
        for (StructField f : base.fields()) {
            out.put(f.name(), f);
        }
        for (StructField f : incoming.fields()) {
            StructField have = out.get(f.name());
            String p = path + f.name();
            if (have == null) {
                out.put(f.name(), new StructField(f.name(), f.dataType(), true, f.metadata()));
                added.add(p);
            } else {
                out.put(f.name(), new StructField(have.name(), mergeType(have.dataType(), f.dataType(), widen, p, added,
                        widened), have.nullable(), have.metadata()));
            }
        }
        return new StructType(out.values().toArray(StructField[]::new));
    }

    private static DataType mergeType(DataType have, DataType in, boolean widen, String path, List<String> added,
                                      List<String> widened) {
        if (have instanceof StructType hs && in instanceof StructType is) {
            return merge(hs, is, widen, path + ".", added, widened);
        }
        if (have instanceof ArrayType ha && in instanceof ArrayType ia) {
            return new ArrayType(mergeType(ha.elementType(), ia.elementType(), widen, path + "[]", added, widened),
                    ha.containsNull());
        }
        if (have instanceof MapType hm && in instanceof MapType im) {
            return new MapType(hm.keyType(), mergeType(hm.valueType(), im.valueType(), widen, path + "{}", added, widened),
                    hm.valueContainsNull());
        }
        if (widen && widens(have, in)) {
            widened.add(path + ": " + have.simpleString() + " -> " + in.simpleString());
            return in;
        }
        // Equal, or a change this mode cannot express: the column keeps its type; values that do not fit are rescued.
        return have;
    }

    /** The type promotions Iceberg allows: int to long, float to double, decimal(p, s) to decimal(p' > p, s). */
    static boolean widens(DataType from, DataType to) {
        if (from.equals(DataTypes.IntegerType) || from.equals(DataTypes.ShortType) || from.equals(DataTypes.ByteType)) {
            return to.equals(DataTypes.LongType);
        }
        if (from.equals(DataTypes.FloatType)) {
            return to.equals(DataTypes.DoubleType);
        }
        return from instanceof DecimalType f && to instanceof DecimalType t && t.scale() == f.scale()
                && t.precision() > f.precision();
    }
}
