package dev.ndjsonparquet.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table's partitioning follows partition-by; later manifests may add columns; a changed type is rescued. */
class IcebergTableShapeTest {

    @TempDir
    Path dir;
    private final SparkSession spark = IcebergFixture.session();

    @Test
    void eventDatePartitionsComeFromTheDirectoriesSparkWrote() throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        ConversionSettings.Values settings = IcebergFixture.settings(s).withPartitionBy(PartitionMode.parse("event-date:ts"));
        Path in = IcebergFixture.input(dir, "a.ndjson", 0, 300, 0);
        Files.writeString(in, "{\"id\":9999,\"v\":\"no time\"}\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        String m = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T01:00:00Z"), in);
        new ManifestConversion(spark, settings).run(m);

        Table t = IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
        assertEquals("event_date", t.spec().fields().get(0).name());
        assertEquals("identity", t.spec().fields().get(0).transform().toString());
        Map<String, Integer> byDate = new HashMap<>();
        for (Record r : IcebergFixture.rows(t)) {
            long id = (Long) r.getField("id");
            Object date = r.getField("event_date");
            if (id == 9999) {
                assertNull(date, "a row without the field has a null event date");
            } else {
                assertEquals(LocalDate.of(2026, 11, 20 + (int) (id % 3)), date, "row " + id);
            }
            byDate.merge(String.valueOf(date), 1, Integer::sum);
        }
        assertEquals(Map.of("2026-11-20", 100, "2026-11-21", 100, "2026-11-22", 100, "null", 1), byDate);
        // Partition-by changed later: the table is not silently mixed.
        String m2 = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-27T01:00:00Z"),
                IcebergFixture.input(dir, "b.ndjson", 5000, 10, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ManifestConversion(spark, IcebergFixture.settings(s)).run(m2));
        assertTrue(e.getMessage().contains("partitioned by event_date:identity"), e.getMessage());
    }

    @Test
    void aLaterManifestMayAddAColumnAndAChangedTypeIsRescued() throws Exception {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        String m1 = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T01:00:00Z"),
                IcebergFixture.input(dir, "a.ndjson", 0, 200, 0));
        new ManifestConversion(spark, IcebergFixture.settings(s)).run(m1);

        Path withExtra = dir.resolve("b.ndjson");
        Files.writeString(withExtra, "{\"id\":1000,\"v\":\"x\",\"extra\":\"e\"}\n{\"id\":1001,\"v\":\"y\",\"extra\":\"f\"}\n");
        String m2 = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T02:00:00Z"), withExtra);
        new ManifestConversion(spark, IcebergFixture.settings(s).withSchema("id BIGINT, v STRING, ts TIMESTAMP, extra STRING"))
                .run(m2);
        Table t = IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
        List<Record> rows = IcebergFixture.rows(t);
        assertEquals(202, rows.size());
        assertEquals(2, rows.stream().filter(r -> r.getField("extra") != null).count());
        Record added = rows.stream().filter(r -> r.getField("id").equals(1000L)).findFirst().orElseThrow();
        assertEquals("e", added.getField("extra"));
        assertNull(added.getField("_rescued_data"), "columns are matched by name, not by position");

        Path changed = dir.resolve("c.ndjson");
        Files.writeString(changed, "{\"id\":\"not a number\",\"v\":\"z\"}\n");
        String m3 = IcebergFixture.manifestOf(dir.resolve("out"), Instant.parse("2026-11-26T03:00:00Z"), changed);
        // A changed type is a change no mode can express: the column keeps its type, the value is rescued.
        new ManifestConversion(spark, IcebergFixture.settings(s).withSchema("id STRING, v STRING")).run(m3);
        Table after = IcebergFixture.load(s, IcebergFixture.TABLE, spark.sparkContext().hadoopConfiguration());
        assertEquals("long", after.schema().findField("id").type().toString());
        List<Record> all = IcebergFixture.rows(after);
        assertEquals(203, all.size());
        Record z = all.stream().filter(r -> "z".equals(r.getField("v"))).findFirst().orElseThrow();
        assertNull(z.getField("id"));
        assertTrue(String.valueOf(z.getField("_rescued_data")).contains("not a number"), String.valueOf(z));
    }
}
