package dev.ndjsonparquet.tables;

import java.util.Locale;

/**
 * File locations compared across the forms the same file is named in: {@code s3a://} by Spark and Hadoop, {@code s3://}
 * by S3FileIO and Athena, {@code file:/x}, {@code file:///x} and {@code /x} locally (pure).
 */
public final class Locations {

    private Locations() {
    }

    public static String normalize(String location) {
        String l = location;
        String lower = l.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3a://") || lower.startsWith("s3n://")) {
            l = "s3://" + l.substring(6);
        } else if (lower.startsWith("file:")) {
            l = "/" + l.substring(5).replaceFirst("^/+", "");
        }
        int scheme = l.indexOf("://");
        String head = scheme < 0 ? "" : l.substring(0, scheme + 3);
        String tail = (scheme < 0 ? l : l.substring(scheme + 3)).replaceAll("/{2,}", "/");
        return head + tail;
    }
}
