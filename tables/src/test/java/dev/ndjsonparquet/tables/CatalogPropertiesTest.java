package dev.ndjsonparquet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.conversion.IcebergCatalogType;
import dev.ndjsonparquet.conversion.IcebergSettings;
import org.junit.jupiter.api.Test;

/** Outside Spark a JDBC catalog's files go through ResolvingFileIO (S3FileIO for s3a://); the others are unchanged. */
class CatalogPropertiesTest {

    @Test
    void outsideSparkOnlyTheJdbcCatalogsFileIoChanges() {
        IcebergSettings jdbc = new IcebergSettings(IcebergCatalogType.JDBC, "jdbc:sqlite:/tmp/c.db", "s3a://lake/wh",
                "a.b", "a.c", null, null);
        assertEquals(CatalogProperties.HADOOP_FILE_IO, CatalogProperties.of(jdbc, null).get("io-impl"), "Spark: S3A");
        assertEquals(CatalogProperties.RESOLVING_FILE_IO, CatalogProperties.outsideSpark(jdbc, null).get("io-impl"));
        IcebergSettings glue = new IcebergSettings(IcebergCatalogType.GLUE, null, "s3://lake/wh", "a.b", "a.c", null,
                "glue.id=123456789012");
        assertEquals(CatalogProperties.of(glue, "eu-west-1"), CatalogProperties.outsideSpark(glue, "eu-west-1"));
        IcebergSettings rest = new IcebergSettings(IcebergCatalogType.REST, "https://s3tables.eu-west-1.amazonaws.com/iceberg",
                "arn:aws:s3tables:eu-west-1:123456789012:bucket/lake", "a.b", "a.c", "s3tables", null);
        assertEquals(CatalogProperties.of(rest, "eu-west-1"), CatalogProperties.outsideSpark(rest, "eu-west-1"));
        assertEquals("sigv4", CatalogProperties.outsideSpark(rest, "eu-west-1").get("rest.auth.type"));
    }
}
