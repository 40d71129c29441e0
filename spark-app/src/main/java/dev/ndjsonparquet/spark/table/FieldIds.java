package dev.ndjsonparquet.spark.table;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Puts a table's Iceberg field ids on a Spark schema (pure), as the metadata key Spark's Parquet schema converter
 * writes as the Parquet field id ({@code parquet.field.id}). Both write paths (the columnar writer through Spark's
 * converter, and Spark's own writer with {@code spark.sql.parquet.fieldId.write.enabled}, on by default) then write
 * files that any Iceberg reader reads by id, without the table's name mapping. Struct fields are matched by name at
 * every depth, through array elements and map values; Parquet has no id of its own for a list element or a map key
 * and value (Iceberg readers pair them by position), so only struct fields carry one.
 */
public final class FieldIds {

    /** Spark's metadata key for a Parquet field id ({@code ParquetUtils.FIELD_ID_METADATA_KEY}). */
    public static final String KEY = "parquet.field.id";

    private FieldIds() {
    }

    /** {@code schema} with the id of the same-named column of {@code table} on every field that has one. */
    public static StructType annotate(StructType schema, Schema table) {
        return (StructType) annotate(schema, table.asStruct());
    }

    /** The metadata that gives a top-level column {@code name} its id in {@code table} (empty when it has none). */
    public static Metadata of(Schema table, String name) {
        Types.NestedField f = table.findField(name);
        return f == null ? Metadata.empty() : withId(Metadata.empty(), f.fieldId());
    }

    private static DataType annotate(DataType spark, Type iceberg) {
        if (spark instanceof StructType s && iceberg instanceof Types.StructType is) {
            List<StructField> out = new ArrayList<>();
            for (StructField f : s.fields()) {
                Types.NestedField match = is.field(f.name());
                if (match == null) {
                    out.add(f);
                } else {
                    out.add(new StructField(f.name(), annotate(f.dataType(), match.type()), f.nullable(),
                            withId(f.metadata(), match.fieldId())));
                }
            }
            return new StructType(out.toArray(StructField[]::new));
        }
        if (spark instanceof ArrayType a && iceberg instanceof Types.ListType l) {
            return new ArrayType(annotate(a.elementType(), l.elementType()), a.containsNull());
        }
        if (spark instanceof MapType m && iceberg instanceof Types.MapType im) {
            return new MapType(annotate(m.keyType(), im.keyType()), annotate(m.valueType(), im.valueType()),
                    m.valueContainsNull());
        }
        return spark;
    }

    private static Metadata withId(Metadata m, int id) {
        return new MetadataBuilder().withMetadata(m).putLong(KEY, id).build();
    }
}
