package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.CatalogProperties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.IcebergCatalogType;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import java.time.LocalDate;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The pure parts: Spark schema to Iceberg schema and spec, partition directories, catalog properties. */
class IcebergSchemasTest {

    private static final StructType FILE = StructType.fromDDL("id BIGINT, n SMALLINT, price DECIMAL(12,2), ok BOOLEAN, "
            + "at TIMESTAMP, local_at TIMESTAMP_NTZ, day DATE, raw BINARY, tags ARRAY<STRING>, attrs MAP<STRING, DOUBLE>, "
            + "geo STRUCT<lat: DOUBLE, lon: DOUBLE>, _rescued_data STRING");

    @Test
    void everyColumnBecomesAnOptionalIcebergColumnOfTheMatchingType() {
        Schema s = IcebergSchemas.tableSchema(FILE, PartitionMode.parse("ingest-date"));
        assertEquals(Types.LongType.get(), s.findType("id"));
        assertEquals(Types.IntegerType.get(), s.findType("n"));
        assertEquals(Types.DecimalType.of(12, 2), s.findType("price"));
        assertEquals(Types.TimestampType.withZone(), s.findType("at"));
        assertEquals(Types.TimestampType.withoutZone(), s.findType("local_at"));
        assertEquals(Types.DateType.get(), s.findType("day"));
        assertEquals(Types.BinaryType.get(), s.findType("raw"));
        assertEquals(Types.StringType.get(), s.findType("tags.element"));
        assertEquals(Types.DoubleType.get(), s.findType("attrs.value"));
        assertEquals(Types.DoubleType.get(), s.findType("geo.lon"));
        assertEquals(Types.StringType.get(), s.findType("_rescued_data"));
        assertEquals(Types.DateType.get(), s.findType("ingest_date"), "the partition column, last");
        assertEquals("ingest_date", s.columns().get(s.columns().size() - 1).name());
        assertTrue(s.columns().stream().allMatch(Types.NestedField::isOptional));
        PartitionSpec spec = IcebergSchemas.spec(s, PartitionMode.parse("ingest-date"));
        assertEquals("ingest_date", spec.fields().get(0).name());
        assertTrue(IcebergSchemas.spec(s, PartitionMode.parse("none")).isUnpartitioned());
    }

    @Test
    void theEventDateColumnSparkAddsIsThePartitionColumnOnce() {
        Schema s = IcebergSchemas.tableSchema(FILE.add("event_date", DataTypes.StringType), PartitionMode.parse("event-date:at"));
        assertEquals(Types.DateType.get(), s.findType("event_date"));
        assertEquals(1, s.columns().stream().filter(c -> c.name().equals("event_date")).count());
        assertEquals(LocalDate.of(2026, 1, 2), RunFiles.dateOfDirectory("event_date=2026-01-02", "event_date"));
        assertEquals(null, RunFiles.dateOfDirectory("event_date=__HIVE_DEFAULT_PARTITION__", "event_date"));
        assertThrows(IllegalStateException.class, () -> RunFiles.dateOfDirectory("run=1", "event_date"));
    }

    @Test
    void typesWithoutAnIcebergEquivalentAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IcebergSchemas.tableSchema(
                new StructType().add("i", DataTypes.CalendarIntervalType), PartitionMode.parse("none")));
        assertTrue(e.getMessage().contains("interval"), e.getMessage());
    }

    @Test
    void theLocalCatalogWaitsForTheSqliteLockAndKeepsHadoopPaths() {
        Map<String, String> p = CatalogProperties.of(new IcebergSettings(IcebergCatalogType.JDBC, "jdbc:sqlite:/tmp/c.db",
                "s3a://lake/wh", "a.b", "a.c", null, null), null);
        assertEquals("jdbc", p.get("type"));
        assertEquals("60000", p.get("jdbc.busy_timeout"));
        assertEquals(CatalogProperties.HADOOP_FILE_IO, p.get("io-impl"));
        assertEquals(false, CatalogProperties.recordsS3Paths(p));
        assertEquals("s3://b/k", RunFiles.toS3("s3a://b/k"));
    }
}
