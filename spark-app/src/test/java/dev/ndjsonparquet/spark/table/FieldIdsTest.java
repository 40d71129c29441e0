package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.WriterEngine;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every data file of an Iceberg table carries the table's field ids, whichever writer wrote it: Iceberg's own
 * generic reader, which ignores the name mapping, reads every value, nested ones and a column a later manifest
 * added included, with the name mapping removed from the table.
 */
class FieldIdsTest {

    private static final String SCHEMA = "id BIGINT, v STRING, ts TIMESTAMP,"
            + " s STRUCT<a: BIGINT, b: STRING>, arr ARRAY<STRUCT<x: BIGINT>>, m MAP<STRING, STRUCT<y: STRING>>";

    @TempDir
    Path dir;
    private final SparkSession spark = IcebergFixture.session();

    @ParameterizedTest
    @EnumSource(WriterEngine.class)
    void theGenericReaderReadsEveryValueWithoutANameMapping(WriterEngine writer) throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        ConversionSettings.Values settings = IcebergFixture.settings(s).withWriter(writer).withSchema(SCHEMA);
        Path a = dir.resolve("a.ndjson");
        Files.writeString(a, """
                {"id":1,"v":"one","ts":"2026-11-20T10:00:00Z","s":{"a":10,"b":"x"},"arr":[{"x":5},{"x":6}],"m":{"k":{"y":"w"}}}
                {"id":2,"v":"two","unknown":"kept in _rescued_data"}
                not json
                """);
        new ManifestConversion(spark, settings).run(
                IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T01:00:00Z"), a));
        Path b = dir.resolve("b.ndjson");
        Files.writeString(b, """
                {"id":3,"added":"new column","v":"three"}
                """);
        new ManifestConversion(spark, settings.withSchema(SCHEMA + ", added STRING")).run(
                IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T02:00:00Z"), b));

        dropNameMappings(s);
        Table t = IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
        assertNull(t.properties().get(TableProperties.DEFAULT_NAME_MAPPING));
        for (String file : dataFiles(t)) {
            MessageType footer = footer(file);
            assertTrue(ParquetSchemaUtil.hasIds(footer), file + " has field ids: " + footer);
        }
        List<Record> rows = genericRows(t);
        assertEquals(3, rows.size());
        Record r1 = rows.get(0);
        assertEquals("one", r1.getField("v"));
        assertEquals(10L, ((Record) r1.getField("s")).getField("a"));
        assertEquals("x", ((Record) r1.getField("s")).getField("b"));
        List<?> arr = (List<?>) r1.getField("arr");
        assertEquals(List.of(5L, 6L), arr.stream().map(e -> ((Record) e).getField("x")).toList());
        Map<?, ?> m = (Map<?, ?>) r1.getField("m");
        assertEquals("w", ((Record) m.get("k")).getField("y"));
        assertEquals("2026-11-20T10:00Z", String.valueOf(r1.getField("ts")));
        assertNull(r1.getField("added"));
        assertTrue(String.valueOf(rows.get(1).getField("_rescued_data")).contains("kept in _rescued_data"));
        assertEquals("new column", rows.get(2).getField("added"));
        assertEquals("three", rows.get(2).getField("v"));
        assertNull(rows.get(2).getField("_rescued_data"), "matched by id, not by position");

        Table bad = IcebergFixture.load(s, IcebergFixture.BAD_TABLE, spark.sparkContext().hadoopConfiguration());
        List<Record> badRows = genericRows(bad);
        assertEquals(1, badRows.size());
        assertEquals("not json", badRows.get(0).getField("raw_line"));
        assertEquals(3L, badRows.get(0).getField("line_number"));
    }

    private void dropNameMappings(IcebergSettings s) {
        org.apache.iceberg.catalog.Catalog c = IcebergCatalogs.load(s, spark.sparkContext().hadoopConfiguration());
        try {
            for (String name : List.of(IcebergFixture.TABLE, IcebergFixture.BAD_TABLE)) {
                c.loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(name)).updateProperties()
                        .remove(TableProperties.DEFAULT_NAME_MAPPING).commit();
            }
        } finally {
            IcebergCatalogs.close(c);
        }
    }

    private static List<Record> genericRows(Table t) throws IOException {
        List<Record> out = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
            it.forEach(r -> out.add(r.copy()));
        }
        if (t.schema().findField("id") != null) {
            out.sort(Comparator.comparingLong(r -> (Long) r.getField("id")));
        }
        return out;
    }

    private static List<String> dataFiles(Table t) throws IOException {
        List<String> out = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            tasks.forEach(task -> out.add(task.file().location()));
        }
        return out;
    }

    private MessageType footer(String location) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(location),
                spark.sparkContext().hadoopConfiguration()))) {
            return r.getFooter().getFileMetaData().getSchema();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
