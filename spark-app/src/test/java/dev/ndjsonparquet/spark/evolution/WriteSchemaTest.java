package dev.ndjsonparquet.spark.evolution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.SchemaEvolution;
import java.util.List;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** What each schema-evolution mode makes of each kind of change (the table in docs/iceberg.md). */
class WriteSchemaTest {

    private static final StructType TABLE = StructType.fromDDL(
            "id INT, f FLOAT, d DECIMAL(5,2), s STRUCT<a: BIGINT>, arr ARRAY<STRUCT<x: BIGINT>>, m MAP<STRING, STRUCT<y: STRING>>");
    private static final StructType OBSERVED = StructType.fromDDL(
            "id BIGINT, f DOUBLE, d DECIMAL(10,2), s STRUCT<a: BIGINT, b: STRING>, arr ARRAY<STRUCT<x: BIGINT, z: BOOLEAN>>,"
                    + " m MAP<STRING, STRUCT<y: STRING, w: BIGINT>>, top STRING, name BIGINT");

    @Test
    void addNewColumnsAddsAtEveryDepthAndKeepsTypes() {
        WriteSchema w = WriteSchema.decide(SchemaEvolution.ADD_NEW_COLUMNS, null, TABLE, OBSERVED);
        assertEquals(StructType.fromDDL("id INT, f FLOAT, d DECIMAL(5,2), s STRUCT<a: BIGINT, b: STRING>,"
                + " arr ARRAY<STRUCT<x: BIGINT, z: BOOLEAN>>, m MAP<STRING, STRUCT<y: STRING, w: BIGINT>>, top STRING,"
                + " name BIGINT").simpleString(), w.schema().simpleString());
        assertEquals(List.of("s.b", "arr[].z", "m{}.w", "top", "name"), w.added());
        assertEquals(List.of(), w.widened());
        assertEquals(List.of(), w.unknown());
    }

    @Test
    void wideningWidensOnlyWhatIcebergAllows() {
        StructType table = StructType.fromDDL("id INT, f FLOAT, d DECIMAL(5,2), n BIGINT, t STRING, e DECIMAL(5,2)");
        StructType seen = StructType.fromDDL("id BIGINT, f DOUBLE, d DECIMAL(10,2), n STRING, t BIGINT, e DECIMAL(10,3)");
        WriteSchema w = WriteSchema.decide(SchemaEvolution.ADD_NEW_COLUMNS_WITH_TYPE_WIDENING, null, table, seen);
        assertEquals("struct<id:bigint,f:double,d:decimal(10,2),n:bigint,t:string,e:decimal(5,2)>",
                w.schema().simpleString());
        assertEquals(List.of("id: int -> bigint", "f: float -> double", "d: decimal(5,2) -> decimal(10,2)"), w.widened());
    }

    @Test
    void rescueAndNoneKeepTheSchemaAndReportTheNewFields() {
        for (SchemaEvolution mode : List.of(SchemaEvolution.RESCUE, SchemaEvolution.NONE)) {
            WriteSchema w = WriteSchema.decide(mode, null, TABLE, OBSERVED);
            assertEquals(TABLE.simpleString(), w.schema().simpleString(), mode.name());
            assertEquals(List.of("s.b", "arr[].z", "m{}.w", "top", "name"), w.unknown(), mode.name());
        }
        StructType declared = StructType.fromDDL("id INT, extra STRING");
        assertEquals("struct<id:int,extra:string>", WriteSchema.decide(SchemaEvolution.RESCUE, declared,
                StructType.fromDDL("id INT"), null).schema().simpleString(), "rescue: the declared schema's columns are added");
        assertEquals("struct<id:int>", WriteSchema.decide(SchemaEvolution.NONE, declared, StructType.fromDDL("id INT"), null)
                .schema().simpleString(), "none: the table never changes");
    }

    @Test
    void failOnNewColumnsNamesEveryNewField() {
        WriteSchema.NewColumnsRefused e = assertThrows(WriteSchema.NewColumnsRefused.class,
                () -> WriteSchema.decide(SchemaEvolution.FAIL_ON_NEW_COLUMNS, null, TABLE, OBSERVED));
        assertTrue(e.getMessage().contains("s.b, arr[].z, m{}.w, top, name"), e.getMessage());
        assertEquals(TABLE.simpleString(), WriteSchema.decide(SchemaEvolution.FAIL_ON_NEW_COLUMNS, null, TABLE,
                StructType.fromDDL("id BIGINT, s STRUCT<a: BIGINT>")).schema().simpleString(), "no new field: no failure");
    }

    @Test
    void withoutATableTheDeclaredOrObservedSchemaIsTheBase() {
        StructType declared = StructType.fromDDL("id BIGINT");
        assertEquals("struct<id:bigint,top:string>", WriteSchema.decide(SchemaEvolution.ADD_NEW_COLUMNS, declared, null,
                StructType.fromDDL("id BIGINT, top STRING")).schema().simpleString(), "plain Parquet: new columns written");
        assertEquals("struct<id:bigint>", WriteSchema.decide(SchemaEvolution.RESCUE, declared, null, null).schema()
                .simpleString());
        assertEquals("struct<top:string>", WriteSchema.decide(SchemaEvolution.NONE, null, null,
                StructType.fromDDL("top STRING")).schema().simpleString(), "first manifest: inferred");
    }
}
