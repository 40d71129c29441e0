package dev.ndjsonparquet.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Iceberg settings that do not fit together are all reported at start-up, secrets not echoed. */
class IcebergSettingsTest {

    private static IcebergSettings of(IcebergCatalogType type, String uri, String warehouse) {
        return new IcebergSettings(type, uri, warehouse, "ndjson.events", "ndjson.bad_records", null, null);
    }

    @Test
    void eachCatalogNeedsItsOwnSettings() {
        assertEquals(List.of(), of(IcebergCatalogType.JDBC, "jdbc:sqlite:/tmp/c.db", "/tmp/wh").problems());
        assertEquals(2, of(IcebergCatalogType.JDBC, null, null).problems().size());
        assertTrue(of(IcebergCatalogType.JDBC, "http://x", "/w").problems().get(0).contains("jdbc: URL"));
        assertTrue(of(IcebergCatalogType.HADOOP, null, "s3://b/wh").problems().get(0).contains("atomic"));
        assertEquals(List.of(), of(IcebergCatalogType.HADOOP, null, "/tmp/wh").problems());
        assertEquals(List.of(), of(IcebergCatalogType.GLUE, null, "s3://b/wh").problems());
        assertEquals(1, of(IcebergCatalogType.GLUE, null, "").problems().size());
        assertEquals(List.of(), of(IcebergCatalogType.REST, "https://s3tables.us-east-1.amazonaws.com/iceberg",
                "arn:aws:s3tables:us-east-1:111122223333:bucket/b").problems());
        assertTrue(of(IcebergCatalogType.REST, null, null).problems().get(0).contains("required"));
    }

    @Test
    void tableNamesAndExtraPropertiesAreChecked() {
        IcebergSettings s = new IcebergSettings(IcebergCatalogType.GLUE, null, "s3://b/w", "events", "a.b", null,
                "glue.id=1,s3cr3t");
        List<String> p = s.problems();
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("iceberg-table"));
        assertTrue(p.get(1).contains("pair 2"));
        assertFalse(p.get(1).contains("s3cr3t"), "a malformed pair may hold a secret: never echoed");
        assertTrue(new IcebergSettings(IcebergCatalogType.GLUE, null, "s3://b/w", "a.b", "a.b", null, null)
                .problems().get(0).contains("must differ"));
        assertEquals(Map.of("glue.id", "1", "k", "v=w"), new IcebergSettings(IcebergCatalogType.GLUE, null, "s3://b/w",
                "a.b", "a.c", null, " glue.id = 1 ,k=v=w").extra());
    }

    @Test
    void theIcebergModeFailsAtStartUpListingEveryProblem() {
        SettingsException e = assertThrows(SettingsException.class, () -> ConversionSettings.Values.from(
                SettingsResolver.resolve(ConversionSettings.ALL, Map.of("output-mode", "iceberg",
                        "iceberg-table", "nodot"), Map.of(), Map.of())));
        assertEquals(3, e.problems().size(), e.problems().toString());
        // The plain mode ignores the Iceberg settings.
        assertEquals(OutputMode.PARQUET, ConversionSettings.Values.from(SettingsResolver.resolve(ConversionSettings.ALL,
                Map.of("iceberg-table", "nodot"), Map.of(), Map.of())).outputMode());
    }
}
