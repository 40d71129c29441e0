package dev.ndjsonparquet.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.SchemaEvolution;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import dev.ndjsonparquet.spark.evolution.WriteSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema-evolution modes on real manifests, Iceberg and plain Parquet, read back. */
class SchemaEvolutionTest {

    @TempDir
    Path dir;
    private final SparkSession spark = IcebergFixture.session();
    private int manifests;

    @Test
    void newFieldsAtEveryDepthBecomeColumnsInTheAppendsOwnCommit() throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        ConversionSettings.Values inferred = IcebergFixture.settings(s).withSchema(null);
        assertEquals(SchemaEvolution.ADD_NEW_COLUMNS, inferred.schemaEvolution(), "the default without a schema");
        run(inferred, """
                {"id":1,"s":{"a":1},"arr":[{"x":1}],"m":{"k":{"y":"p"}}}
                """);
        run(inferred, """
                {"id":2,"s":{"a":2,"b":"new in struct"},"arr":[{"x":2,"z":true}],"m":{"k":{"y":"q","w":9}},"top":"new"}
                """);
        Table t = table(s);
        for (String f : List.of("s.b", "arr.element.z", "m.k.w", "top")) {
            assertTrue(t.schema().findField(f) != null, f + " in " + t.schema());
        }
        List<Record> rows = genericRows(t);
        Record r1 = rows.get(0);
        Record r2 = rows.get(1);
        assertNull(((Record) r1.getField("s")).getField("b"), "older rows read as null");
        assertNull(r1.getField("top"));
        assertEquals("new in struct", ((Record) r2.getField("s")).getField("b"));
        assertEquals(true, ((Record) ((List<?>) r2.getField("arr")).get(0)).getField("z"));
        assertEquals(9L, ((Record) ((Record) r2.getField("m")).getField("k")).getField("w"));
        // (Inference makes every JSON object a struct; maps come from a declared schema: WriteSchemaTest, FieldIdsTest.)
        assertEquals("new", r2.getField("top"));
        assertNull(r2.getField("_rescued_data"));
        // Same transaction: no version of the table's metadata has the new column without the second append.
        for (TableMetadata m : history(t)) {
            boolean hasColumn = m.schema().findField("top") != null;
            boolean hasAppend = m.snapshots().size() == 2;
            assertEquals(hasAppend, hasColumn, "metadata " + m.metadataFileLocation());
        }
    }

    @Test
    void wideningWidensWhatIcebergAllowsAndRescuesTheRest() throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        ConversionSettings.Values first = IcebergFixture.settings(s).withSchema("id INT, f FLOAT, d DECIMAL(5,2), t BIGINT");
        run(first, "{\"id\":1,\"f\":1.5,\"d\":1.25,\"t\":3}\n");
        String wider = "id BIGINT, f DOUBLE, d DECIMAL(10,2), t STRING";
        // Without widening the types stay: a long that does not fit goes to _rescued_data.
        run(first.withSchema(wider).withSchemaEvolution(SchemaEvolution.ADD_NEW_COLUMNS),
                "{\"id\":5000000000,\"f\":2.5,\"d\":2.25,\"t\":4}\n");
        assertEquals("int", table(s).schema().findField("id").type().toString());
        run(first.withSchema(wider).withSchemaEvolution(SchemaEvolution.ADD_NEW_COLUMNS_WITH_TYPE_WIDENING),
                "{\"id\":6000000000,\"f\":3.5,\"d\":12345678.25,\"t\":5}\n");
        Table t = table(s);
        assertEquals("long", t.schema().findField("id").type().toString());
        assertEquals("double", t.schema().findField("f").type().toString());
        assertEquals("decimal(10, 2)", t.schema().findField("d").type().toString());
        assertEquals("long", t.schema().findField("t").type().toString(), "string is no widening of long");
        List<Record> rows = genericRows(t);
        assertEquals(3, rows.size());
        Record rescued = rows.stream().filter(r -> r.getField("id") == null).findFirst().orElseThrow();
        assertTrue(String.valueOf(rescued.getField("_rescued_data")).contains("5000000000"), rescued.toString());
        Record widened = rows.stream().filter(r -> Long.valueOf(6_000_000_000L).equals(r.getField("id"))).findFirst()
                .orElseThrow();
        assertEquals(new java.math.BigDecimal("12345678.25"), widened.getField("d"));
        assertEquals(1L, rows.stream().filter(r -> Long.valueOf(1).equals(r.getField("id"))).count(), "int read as long");
    }

    @Test
    void rescueFailAndNoneLeaveTheTableAlone() throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        ConversionSettings.Values explicit = IcebergFixture.settings(s).withSchema("id BIGINT, v STRING");
        assertEquals(SchemaEvolution.RESCUE, explicit.schemaEvolution(), "the default with a schema");
        run(explicit, "{\"id\":1,\"v\":\"a\",\"extra\":\"x\"}\n");
        assertNull(table(s).schema().findField("extra"));
        WriteSchema.NewColumnsRefused e = assertThrows(WriteSchema.NewColumnsRefused.class, () -> run(
                explicit.withSchemaEvolution(SchemaEvolution.FAIL_ON_NEW_COLUMNS),
                "{\"id\":2,\"v\":\"b\",\"extra\":\"y\",\"nest\":{\"q\":1}}\n"));
        assertTrue(e.getMessage().contains("extra, nest"), e.getMessage());
        run(explicit.withSchema("id BIGINT, v STRING, declared STRING").withSchemaEvolution(SchemaEvolution.NONE),
                "{\"id\":3,\"v\":\"c\",\"declared\":\"d\"}\n");
        Table t = table(s);
        assertNull(t.schema().findField("declared"), "none: not even a declared column is added");
        List<Record> rows = genericRows(t);
        assertEquals(2, rows.size(), "the refused manifest added nothing");
        assertTrue(String.valueOf(rows.get(0).getField("_rescued_data")).contains("extra"));
        assertTrue(String.valueOf(rows.get(1).getField("_rescued_data")).contains("declared"));
    }

    @Test
    void plainParquetWritesTheNewColumns() throws Exception {
        ConversionSettings.Values plain = ConversionSettings.Values.defaults().withSchema("id BIGINT")
                .withSchemaEvolution(SchemaEvolution.ADD_NEW_COLUMNS);
        Path out = dir.resolve("plain");
        Path in = dir.resolve("p.ndjson");
        Files.writeString(in, "{\"id\":1,\"extra\":\"e\",\"s\":{\"a\":2}}\n");
        new ManifestConversion(spark, plain).run(IcebergFixture.manifestOf(out, Instant.parse("2026-11-26T01:00:00Z"), in));
        List<Row> rows = spark.read().option("mergeSchema", "true").parquet(out.resolve("ingest_date=2026-11-26").toString())
                .collectAsList();
        assertEquals(1, rows.size());
        assertEquals("e", rows.get(0).<String>getAs("extra"));
        assertEquals(Long.valueOf(2L), ((Row) rows.get(0).getAs("s")).<Long>getAs("a"));
        assertNull(rows.get(0).<String>getAs("_rescued_data"));
    }

    private void run(ConversionSettings.Values settings, String lines) throws IOException {
        Path in = dir.resolve("in-" + (++manifests) + ".ndjson");
        Files.writeString(in, lines);
        new ManifestConversion(spark, settings).run(IcebergFixture.manifestOf(dir.resolve("out"),
                Instant.parse("2026-11-26T01:00:00Z").plusSeconds(manifests), in));
    }

    private Table table(IcebergSettings s) {
        return IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
    }

    private static List<Record> genericRows(Table t) throws IOException {
        List<Record> out = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
            it.forEach(r -> out.add(r.copy()));
        }
        out.sort(java.util.Comparator.comparing(r -> String.valueOf(r.getField("id")).length() + ":" + r.getField("id")));
        return out;
    }

    private static List<TableMetadata> history(Table t) {
        TableMetadata current = ((HasTableOperations) t).operations().current();
        List<TableMetadata> out = new ArrayList<>();
        current.previousFiles().forEach(e -> out.add(TableMetadataParser.read(t.io(), e.file())));
        out.add(current);
        return out;
    }
}
