package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.conversion.PartitionMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.VarcharType;

/**
 * The Iceberg schema and partition spec of a table from the Spark schema of the Parquet files (pure). Every
 * column is optional, so that later manifests may add columns. The partition column ({@code ingest_date}, or
 * {@code event_date}) is a date held only in the table's partition data: the files do not contain it (Spark
 * writes it as a directory), and Iceberg readers fill it from the partition of each file.
 */
public final class IcebergSchemas {

    public static final String INGEST_DATE_COLUMN = "ingest_date";

    private IcebergSchemas() {
    }

    /** The table schema: the file columns ({@code _rescued_data} included) plus the partition column, if any. */
    public static Schema tableSchema(StructType fileColumns, PartitionMode mode) {
        AtomicInteger ids = new AtomicInteger();
        List<Types.NestedField> fields = new ArrayList<>();
        for (StructField f : fileColumns.fields()) {
            if (f.name().equals(PartitionMode.EVENT_DATE_COLUMN) && mode.kind() == PartitionMode.Kind.EVENT_DATE) {
                continue;
            }
            fields.add(Types.NestedField.optional(ids.incrementAndGet(), f.name(), convert(f.dataType(), ids)));
        }
        String partitionColumn = partitionColumn(mode);
        if (partitionColumn != null) {
            fields.add(Types.NestedField.optional(ids.incrementAndGet(), partitionColumn, Types.DateType.get()));
        }
        return new Schema(fields);
    }

    /** The partition spec of the setting {@code partition-by}: identity on the date column, or none. */
    public static PartitionSpec spec(Schema schema, PartitionMode mode) {
        String column = partitionColumn(mode);
        return column == null ? PartitionSpec.unpartitioned() : PartitionSpec.builderFor(schema).identity(column).build();
    }

    /** The date column a mode partitions by, or null. */
    public static String partitionColumn(PartitionMode mode) {
        return switch (mode.kind()) {
            case NONE -> null;
            case INGEST_DATE -> INGEST_DATE_COLUMN;
            case EVENT_DATE -> PartitionMode.EVENT_DATE_COLUMN;
        };
    }

    /**
     * The table's columns as the files hold them, as a Spark schema: without the partition column and without
     * {@code _rescued_data}. The inverse of {@link #tableSchema} for the types it produces.
     */
    public static StructType fileColumns(Schema table, PartitionMode mode) {
        String partitionColumn = partitionColumn(mode);
        List<StructField> out = new ArrayList<>();
        for (Types.NestedField f : table.columns()) {
            if (f.name().equals(partitionColumn) || f.name().equals("_rescued_data")) {
                continue;
            }
            out.add(new StructField(f.name(), spark(f.type()), true, org.apache.spark.sql.types.Metadata.empty()));
        }
        return new StructType(out.toArray(StructField[]::new));
    }

    static DataType spark(Type t) {
        switch (t.typeId()) {
            case BOOLEAN: return org.apache.spark.sql.types.DataTypes.BooleanType;
            case INTEGER: return org.apache.spark.sql.types.DataTypes.IntegerType;
            case LONG: return org.apache.spark.sql.types.DataTypes.LongType;
            case FLOAT: return org.apache.spark.sql.types.DataTypes.FloatType;
            case DOUBLE: return org.apache.spark.sql.types.DataTypes.DoubleType;
            case DECIMAL: {
                Types.DecimalType d = (Types.DecimalType) t;
                return org.apache.spark.sql.types.DataTypes.createDecimalType(d.precision(), d.scale());
            }
            case STRING: return org.apache.spark.sql.types.DataTypes.StringType;
            case BINARY: return org.apache.spark.sql.types.DataTypes.BinaryType;
            case DATE: return org.apache.spark.sql.types.DataTypes.DateType;
            case TIMESTAMP:
                return ((Types.TimestampType) t).shouldAdjustToUTC() ? org.apache.spark.sql.types.DataTypes.TimestampType
                        : org.apache.spark.sql.types.DataTypes.TimestampNTZType;
            case STRUCT: {
                List<StructField> fields = new ArrayList<>();
                for (Types.NestedField f : t.asStructType().fields()) {
                    fields.add(new StructField(f.name(), spark(f.type()), true, org.apache.spark.sql.types.Metadata.empty()));
                }
                return new StructType(fields.toArray(StructField[]::new));
            }
            case LIST:
                return new ArrayType(spark(t.asListType().elementType()), true);
            case MAP:
                return new MapType(spark(t.asMapType().keyType()), spark(t.asMapType().valueType()), true);
            default:
                throw new IllegalArgumentException("Iceberg type " + t + " is not one this project writes");
        }
    }

    static Type convert(DataType t, AtomicInteger ids) {
        if (t instanceof BooleanType) {
            return Types.BooleanType.get();
        }
        if (t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType) {
            return Types.IntegerType.get();
        }
        if (t instanceof LongType) {
            return Types.LongType.get();
        }
        if (t instanceof FloatType) {
            return Types.FloatType.get();
        }
        if (t instanceof DoubleType) {
            return Types.DoubleType.get();
        }
        if (t instanceof DecimalType d) {
            return Types.DecimalType.of(d.precision(), d.scale());
        }
        if (t instanceof StringType || t instanceof VarcharType || t instanceof CharType) {
            return Types.StringType.get();
        }
        if (t instanceof BinaryType) {
            return Types.BinaryType.get();
        }
        if (t instanceof DateType) {
            return Types.DateType.get();
        }
        if (t instanceof TimestampType) {
            return Types.TimestampType.withZone();
        }
        if (t instanceof TimestampNTZType) {
            return Types.TimestampType.withoutZone();
        }
        if (t instanceof StructType s) {
            List<Types.NestedField> fields = new ArrayList<>();
            for (StructField f : s.fields()) {
                fields.add(Types.NestedField.optional(ids.incrementAndGet(), f.name(), convert(f.dataType(), ids)));
            }
            return Types.StructType.of(fields);
        }
        if (t instanceof ArrayType a) {
            return Types.ListType.ofOptional(ids.incrementAndGet(), convert(a.elementType(), ids));
        }
        if (t instanceof MapType m) {
            int keyId = ids.incrementAndGet();
            int valueId = ids.incrementAndGet();
            return Types.MapType.ofOptional(keyId, valueId, convert(m.keyType(), ids), convert(m.valueType(), ids));
        }
        throw new IllegalArgumentException("Spark type " + t.simpleString() + " has no Iceberg equivalent here");
    }
}
