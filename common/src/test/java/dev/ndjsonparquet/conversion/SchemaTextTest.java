package dev.ndjsonparquet.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Location, inline JSON or inline DDL, decided one way; and the DDL check's answers (Spark's own are in spark-app). */
class SchemaTextTest {

    @Test
    void aLocationIsOneTokenWithASchemeAPathOrASchemaFileName() {
        for (String location : List.of("s3://bucket/schemas/events.ddl", "s3a://b/k", "file:/etc/schema.json", "/opt/schema.ddl",
                "./schema.ddl", "../schemas/x.schema", "events.json", "gs://bucket/x")) {
            assertEquals(SchemaText.Kind.LOCATION, SchemaText.kind(location), location);
        }
        for (String ddl : List.of("id BIGINT", "id BIGINT COMMENT 'see s3://docs/events.ddl'", "url STRING COMMENT 'https://a.b'",
                "`s3://x` INT", "a INT, b STRING COMMENT '/tmp'", "file STRING", "json STRING")) {
            assertEquals(SchemaText.Kind.DDL, SchemaText.kind(ddl), ddl);
        }
        assertEquals(SchemaText.Kind.JSON, SchemaText.kind(" {\"type\":\"struct\",\"fields\":[]}"));
    }

    @Test
    void theSettingsCheckParsesInlineDdlOnly() {
        assertEquals(Optional.empty(), SchemaText.problem(""));
        assertEquals(Optional.empty(), SchemaText.problem("s3://bucket/does-not-matter-here.ddl"));
        assertEquals(Optional.empty(), SchemaText.problem("id BIGINT NOT NULL, tags ARRAY<STRING>, attrs MAP<STRING, STRUCT<k: DECIMAL(10,2)>>"));
        assertTrue(SchemaText.problem("id BIGINT, ts TIMESTMP").orElseThrow().contains("at character 15 ('TIMESTMP'): unknown type 'TIMESTMP'"),
                SchemaText.problem("id BIGINT, ts TIMESTMP").orElseThrow());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConversionSettings.SCHEMA.parse("id BIGINT,"));
        assertTrue(e.getMessage().contains("expected a column name"), e.getMessage());
    }

    @Test
    void theColumnsComeOutTyped() {
        List<DdlSchema.Field> fields = DdlSchema.parse("`a b` DEC(7, 2) NOT NULL COMMENT 'it''s', m MAP<STRING, ARRAY<INT>>");
        assertEquals(new DdlSchema.Field("a b", new DdlSchema.Primitive("decimal", 7, 2, null), false, "it's"), fields.get(0));
        assertEquals(new DdlSchema.Field("m", new DdlSchema.MapOf(new DdlSchema.Primitive("string", 0, 0, null),
                new DdlSchema.ArrayOf(new DdlSchema.Primitive("int", 0, 0, null))), true, null), fields.get(1));
    }
}
