package dev.ndjsonparquet.tables;

import dev.ndjsonparquet.conversion.IcebergSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the Iceberg settings into the properties Iceberg's {@code CatalogUtil} builds a catalog from. Pure, so
 * the production catalogs (Glue, REST/S3 Tables) are checked without their services.
 */
public final class CatalogProperties {

    public static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";
    public static final String HADOOP_FILE_IO = "org.apache.iceberg.hadoop.HadoopFileIO";
    /** S3FileIO for {@code s3://}, {@code s3a://} and {@code s3n://} locations, HadoopFileIO for the rest. */
    public static final String RESOLVING_FILE_IO = "org.apache.iceberg.io.ResolvingFileIO";

    private CatalogProperties() {
    }

    /** The catalog properties; {@code region} (may be null) signs REST requests when signing is on. */
    public static Map<String, String> of(IcebergSettings s, String region) {
        Map<String, String> p = new LinkedHashMap<>();
        switch (s.catalogType()) {
            case JDBC -> {
                p.put("type", "jdbc");
                p.put("uri", s.catalogUri());
                p.put("warehouse", s.warehouse());
                // The files go through Hadoop (s3a:// included), as Spark wrote them.
                p.put("io-impl", HADOOP_FILE_IO);
                if (s.catalogUri().startsWith("jdbc:sqlite:")) {
                    // Several drivers (one JVM per manifest) share the file: wait for the lock instead of failing,
                    // and let readers run beside the one writer.
                    p.put("jdbc.busy_timeout", "60000");
                    p.put("jdbc.journal_mode", "WAL");
                }
                // The catalog's current table layout (with views), rather than the legacy one it warns about.
                p.put("jdbc.schema-version", "V1");
            }
            case HADOOP -> {
                p.put("type", "hadoop");
                p.put("warehouse", s.warehouse());
                p.put("io-impl", HADOOP_FILE_IO);
            }
            case GLUE -> {
                p.put("type", "glue");
                p.put("warehouse", s.warehouse());
                p.put("io-impl", S3_FILE_IO);
            }
            case REST -> {
                p.put("type", "rest");
                p.put("uri", s.catalogUri());
                if (s.warehouse() != null && !s.warehouse().isBlank()) {
                    p.put("warehouse", s.warehouse());
                }
                p.put("io-impl", S3_FILE_IO);
                if (s.restSigningName() != null && !s.restSigningName().isBlank()) {
                    p.put("rest.auth.type", "sigv4");
                    p.put("rest.signing-name", s.restSigningName());
                    if (region != null && !region.isBlank()) {
                        p.put("rest.signing-region", region);
                    }
                }
            }
        }
        p.putAll(s.extra());
        return p;
    }

    /**
     * The properties outside Spark (the controller image's {@code maintain}, which has no S3A): a JDBC catalog's
     * files on S3 go through S3FileIO, which reads and deletes the {@code s3a://} locations Spark recorded.
     */
    public static Map<String, String> outsideSpark(IcebergSettings s, String region) {
        Map<String, String> p = of(s, region);
        if (HADOOP_FILE_IO.equals(p.get("io-impl")) && s.catalogType() == dev.ndjsonparquet.conversion.IcebergCatalogType.JDBC) {
            p.put("io-impl", RESOLVING_FILE_IO);
        }
        return p;
    }

    /** Whether the data files are recorded with {@code s3://} paths (read by Athena, Glue, S3FileIO) instead of {@code s3a://}. */
    public static boolean recordsS3Paths(Map<String, String> props) {
        return S3_FILE_IO.equals(props.get("io-impl"));
    }
}
