package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.location.ObjectKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * A bucket and a key (or key prefix) in an {@link ObjectStore}. Written {@code s3://bucket/key};
 * {@code s3a://} is accepted as the same thing.
 */
public record StoreUri(String bucket, String key) {

    public StoreUri {
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("no bucket");
        }
        key = key == null ? "" : key;
    }

    public static StoreUri parse(String uri) {
        if (uri == null) {
            throw new IllegalArgumentException("missing location");
        }
        String rest;
        if (uri.startsWith("s3://")) {
            rest = uri.substring(5);
        } else if (uri.startsWith("s3a://")) {
            rest = uri.substring(6);
        } else {
            throw new IllegalArgumentException("'" + uri + "' is not an s3://bucket/prefix location");
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("'" + uri + "' names no bucket");
        }
        return new StoreUri(bucket, slash < 0 ? "" : rest.substring(slash + 1));
    }

    public static List<StoreUri> parseList(String commaSeparated) {
        List<StoreUri> out = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no location given");
        }
        return out;
    }

    /** This location taken as a prefix (a trailing '/' added unless empty or present) plus a relative key. */
    public StoreUri child(String relative) {
        String prefix = key.isEmpty() || key.endsWith("/") ? key : key + "/";
        return new StoreUri(bucket, prefix + relative);
    }

    /**
     * The object as an RFC 3986 URI with the given scheme: characters not allowed in a URI path (spaces,
     * non-ASCII, '%', '#', '?') percent-encoded as UTF-8, so {@code java.net.URI} (and Hadoop's
     * {@code new Path(URI)}) reads back the exact key (the encoding the dispatcher and driver agree on: {@link ObjectKeys#uri}).
     */
    public String toUri(String scheme) {
        return ObjectKeys.uri(scheme, bucket, key);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
