package dev.ndjsonparquet.controller.builder;

import java.time.Instant;

/**
 * One created object, from a notification or a listing. Key already URL-decoded.
 *
 * @param size      bytes, or -1 when the source did not say
 * @param etag      without quotes, or null when the source did not say
 * @param versionId null unless the bucket is versioned and the source said
 * @param eventTime when the object was created (notification time or last-modified), may be null
 */
public record ObjectEvent(String bucket, String key, long size, String etag, String versionId, Instant eventTime) {

    public StoreUri location() {
        return new StoreUri(bucket, key);
    }

    /** ETags arrive quoted from some APIs and bare from others; compare them bare. */
    public static String normalizeEtag(String etag) {
        if (etag == null || etag.isBlank()) {
            return null;
        }
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }
}
