package dev.ndjsonparquet.spark.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.DdlSchema;
import dev.ndjsonparquet.conversion.SchemaText;
import dev.ndjsonparquet.spark.parse.JsonRowConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.CharType$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.VarcharType$;
import org.junit.jupiter.api.Test;

/**
 * The controllers' DDL check ({@link DdlSchema}, no Spark) against Spark's own parser on the same strings: a schema
 * passes the check exactly when {@code StructType.fromDDL} accepts it and the engine converts every type in it
 * ({@link JsonRowConverter#unsupported}), and then both build the same columns (names, types, nullability, comments).
 * A fixed list of edge cases, then seeded random schemas (the seed is printed and named on failure).
 */
class DdlSchemaSparkTest {

    private static final List<String> CASES = List.of(
            "id BIGINT, ts TIMESTAMP, payload STRUCT<kind: STRING, size: INT>",
            "a INT", "a int", "A Int NOT NULL", "a INT not null comment 'x'", "a INT COMMENT 'x'", "a INT COMMENT \"x\"",
            "a STRING COMMENT 'see s3://docs/schema and /tmp'", "a STRING COMMENT 'it''s'", "a STRING COMMENT 'it\\'s \\n \\t \\\\ \\u0041 \\101'",
            "a TINYINT, b BYTE, c SMALLINT, d SHORT, e INTEGER, f LONG, g BIGINT, h REAL, i FLOAT, j DOUBLE, k BOOLEAN",
            "a DATE, b TIMESTAMP, c TIMESTAMP_LTZ", "a DECIMAL, b DECIMAL(38, 10), c DEC(5), d NUMERIC(7,2)",
            "a DECIMAL(39, 0)", "a DECIMAL(5, 6)", "a DECIMAL(0)",
            "a ARRAY<INT>", "a ARRAY<ARRAY<STRUCT<b: STRING>>>", "a MAP<STRING, INT>", "a MAP<STRING, MAP<STRING, ARRAY<DOUBLE>>>",
            "a MAP<INT, STRING>", "a STRUCT<>", "a STRUCT<b INT, c STRING NOT NULL COMMENT 'c'>", "a STRUCT<b:INT,c:STRING>",
            "`a b` INT, `weird``name` STRING", "`select` INT", "select INT, from STRING, order DATE",
            "date DATE, timestamp TIMESTAMP, string STRING, map MAP<STRING,STRING>", "_x INT, x1 INT, 1x INT", "123 INT",
            "a BINARY", "a TIMESTAMP_NTZ", "a INTERVAL DAY", "a VOID", "a VARIANT", "a CHAR(3)", "a VARCHAR(10)", "a STRING COLLATE UTF8_LCASE",
            "a INTEGR", "a", "INT", "a INT,", ",a INT", "a INT b STRING", "a INT;", "a ARRAY<INT", "a MAP<STRING>", "a STRUCT<b INT,>",
            "a INT NOT", "a INT COMMENT", "a INT COMMENT 'x", "a INT NULL", "a INT COMMENT 'x' NOT NULL",
            "  a   INT  ,\n\tb STRING  ", "a INT -- the id\n, b STRING", "a /* inline */ INT", "a INT /* open",
            "a: INT", "a INT DEFAULT 1", "a STRUCT<b: STRUCT<c: STRUCT<d: INT>>>", "a ARRAY<MAP<STRING, STRUCT<x: DECIMAL(10,2)>>>",
            "ä INT", "a\u00a0INT", "a INT, a STRING");

    /** Spark's verdict: the columns, or null when fromDDL refuses the text or the engine does not read a type. */
    private static StructType spark(String ddl) {
        StructType s;
        try {
            s = StructType.fromDDL(ddl);
        } catch (Exception e) {
            // ParseException is a checked exception Scala does not declare.
            return null;
        }
        return JsonRowConverter.unsupported(s).isEmpty() ? s : null;
    }

    private static StructType mine(String ddl) {
        try {
            return struct(DdlSchema.parse(ddl));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static StructType struct(List<DdlSchema.Field> fields) {
        List<StructField> out = new ArrayList<>();
        for (DdlSchema.Field f : fields) {
            Metadata metadata = f.comment() == null ? Metadata.empty() : new MetadataBuilder().putString("comment", f.comment()).build();
            out.add(new StructField(f.name(), type(f.type()), f.nullable(), metadata));
        }
        return new StructType(out.toArray(new StructField[0]));
    }

    private static DataType type(DdlSchema.Type t) {
        if (t instanceof DdlSchema.Struct s) {
            return struct(s.fields());
        } else if (t instanceof DdlSchema.ArrayOf a) {
            return new ArrayType(type(a.element()), true);
        } else if (t instanceof DdlSchema.MapOf m) {
            return new MapType(type(m.key()), type(m.value()), true);
        }
        DdlSchema.Primitive p = (DdlSchema.Primitive) t;
        return switch (p.name()) {
            case "string" -> p.collation() == null ? DataTypes.StringType : StringType.apply(p.collation());
            case "char" -> CharType$.MODULE$.apply(p.precision());
            case "varchar" -> VarcharType$.MODULE$.apply(p.precision());
            case "boolean" -> DataTypes.BooleanType;
            case "byte" -> DataTypes.ByteType;
            case "short" -> DataTypes.ShortType;
            case "int" -> DataTypes.IntegerType;
            case "long" -> DataTypes.LongType;
            case "float" -> DataTypes.FloatType;
            case "double" -> DataTypes.DoubleType;
            case "date" -> DataTypes.DateType;
            case "timestamp" -> DataTypes.TimestampType;
            case "decimal" -> DataTypes.createDecimalType(p.precision(), p.scale());
            default -> throw new IllegalArgumentException(p.name());
        };
    }

    private static void agree(List<String> disagreements, String ddl) {
        StructType spark = spark(ddl);
        StructType mine = mine(ddl);
        if (spark == null ? mine != null : !spark.equals(mine)) {
            disagreements.add("'" + ddl + "': Spark " + (spark == null ? "refuses" : spark.toDDL()) + ", the check "
                    + (mine == null ? "refuses" : mine.toDDL()));
        }
    }

    @Test
    void theCheckAcceptsWhatSparkAndTheEngineAcceptAndBuildsTheSameColumns() {
        List<String> disagreements = new ArrayList<>();
        CASES.forEach(ddl -> agree(disagreements, ddl));
        assertEquals(List.of(), disagreements);
        assertTrue(CASES.stream().filter(c -> spark(c) != null).count() > 20, "the cases accept a good many schemas");
        assertTrue(CASES.stream().filter(c -> spark(c) == null).count() > 20, "and refuse a good many");
    }

    @Test
    void randomSchemasAgreeToo() {
        long seed = Long.getLong("ddl.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            agree(disagreements, RandomDdl.schema(random));
        }
        assertEquals(List.of(), disagreements, "seed " + seed + " (-Dddl.seed=" + seed + " repeats it): " + String.join("\n", disagreements));
    }

    /** A DDL schema with a COMMENT holding "://" is DDL, never a file to read. */
    @Test
    void aCommentWithAUriIsStillDdl() {
        String ddl = "id BIGINT COMMENT 'documented at https://example.com/events', ts TIMESTAMP";
        assertEquals(SchemaText.Kind.DDL, SchemaText.kind(ddl));
        assertEquals(StructType.fromDDL(ddl), mine(ddl));
    }
}
