package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.CatalogProperties;
import dev.ndjsonparquet.tables.IcebergCatalogs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ndjsonparquet.conversion.IcebergCatalogType;
import dev.ndjsonparquet.conversion.IcebergSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.aws.glue.GlueCatalog;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;

/**
 * The production catalogs are built from the settings without their services: Glue is constructed offline,
 * the REST catalog (S3 Tables) makes its first call, signed with SigV4, to a local HTTP server.
 */
class ProductionCatalogsTest {

    @Test
    void glueCatalogIsBuiltFromTheSettings() throws Exception {
        IcebergSettings s = new IcebergSettings(IcebergCatalogType.GLUE, null, "s3://lake/warehouse", "ndjson.events",
                "ndjson.bad_records", null, "client.region=eu-west-1,glue.id=111122223333");
        Map<String, String> props = CatalogProperties.of(s, null);
        assertEquals("glue", props.get("type"));
        assertEquals("org.apache.iceberg.aws.s3.S3FileIO", props.get("io-impl"));
        assertTrue(CatalogProperties.recordsS3Paths(props), "Athena and Glue read s3:// paths");
        Catalog c = IcebergCatalogs.load(s, new Configuration());
        try {
            assertTrue(c instanceof GlueCatalog, c.getClass().getName());
            assertEquals(IcebergCatalogs.CATALOG_NAME, c.name());
        } finally {
            IcebergCatalogs.close(c);
        }
    }

    @Test
    void s3TablesRestCatalogSignsItsRequests() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        List<String> paths = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().toString());
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"defaults\":{},\"overrides\":{}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            IcebergSettings s = new IcebergSettings(IcebergCatalogType.REST,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/iceberg",
                    "arn:aws:s3tables:us-east-1:111122223333:bucket/lake", "ndjson.events", "ndjson.bad_records",
                    "s3tables", "rest.access-key-id=AKIDEXAMPLE,rest.secret-access-key=not-a-secret,client.region=us-east-1");
            Map<String, String> props = CatalogProperties.of(s, "us-east-1");
            assertEquals("sigv4", props.get("rest.auth.type"));
            assertEquals("s3tables", props.get("rest.signing-name"));
            assertEquals("us-east-1", props.get("rest.signing-region"));
            Catalog c = CatalogUtil.buildIcebergCatalog("t", props, new Configuration());
            try {
                assertTrue(c instanceof RESTCatalog);
            } finally {
                IcebergCatalogs.close(c);
            }
        } finally {
            server.stop(0);
        }
        assertTrue(paths.get(0).startsWith("/iceberg/v1/config?warehouse=arn"), paths.toString());
        assertTrue(authorizations.get(0).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), authorizations.toString());
        assertTrue(authorizations.get(0).contains("/us-east-1/s3tables/aws4_request"), authorizations.toString());
    }
}
