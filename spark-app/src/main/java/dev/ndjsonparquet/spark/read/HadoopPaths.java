package dev.ndjsonparquet.spark.read;

import java.net.URI;
import org.apache.hadoop.fs.Path;

/**
 * Manifest URIs as Hadoop paths. Manifest URIs are percent-encoded ({@code %20} for a space), and
 * {@code new Path(String)} would encode them a second time, so they go through {@link URI} first;
 * {@code s3://} is read as {@code s3a://}.
 */
public final class HadoopPaths {

    private HadoopPaths() {
    }

    public static String normalize(String uri) {
        return uri.startsWith("s3://") ? "s3a://" + uri.substring("s3://".length()) : uri;
    }

    public static Path of(String uri) {
        String u = normalize(uri);
        return u.contains(":") ? new Path(URI.create(u)) : new Path(u);
    }
}
