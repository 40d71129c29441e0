package dev.ndjsonparquet.tables;

import dev.ndjsonparquet.conversion.IcebergSettings;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/** Builds the configured Iceberg catalog (the I/O side of {@link CatalogProperties}). */
public final class IcebergCatalogs {

    public static final String CATALOG_NAME = "ndjson_parquet";

    private IcebergCatalogs() {
    }

    /** A catalog ready to use; close it when done (JDBC holds connections). */
    public static Catalog load(IcebergSettings settings, Configuration conf) {
        return load(CatalogProperties.of(settings, System.getenv("AWS_REGION")), conf);
    }

    /** A catalog for use outside Spark ({@link CatalogProperties#outsideSpark}); close it when done. */
    public static Catalog loadOutsideSpark(IcebergSettings settings, String region) {
        return load(CatalogProperties.outsideSpark(settings, region), new Configuration());
    }

    private static Catalog load(Map<String, String> props, Configuration conf) {
        String uri = props.getOrDefault("uri", "");
        if (uri.startsWith("jdbc:sqlite:") && !uri.contains(":memory:")) {
            Path db = Path.of(uri.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*", ""));
            try {
                if (db.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(db.toAbsolutePath().getParent());
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the directory of the catalog database " + db, e);
            }
        }
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return CatalogUtil.buildIcebergCatalog(CATALOG_NAME, props, conf);
            } catch (RuntimeException e) {
                // Two JVMs creating the JDBC catalog's own tables at the same moment: the loser retries.
                last = e;
            }
        }
        throw last;
    }

    public static void close(Catalog catalog) {
        if (catalog instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to undo: the connections go with the JVM
            }
        }
    }
}
