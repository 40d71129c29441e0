package dev.ndjsonparquet.controller.builder;

import java.time.Instant;
import java.util.Optional;

/**
 * The little the builder needs from an object store. Implemented over S3 ({@link S3ObjectStore}) and over
 * local directories standing in for buckets ({@link LocalDirectoryStore}).
 */
public interface ObjectStore {

    /** An object as listed or headed. ETag without quotes. */
    record ObjectInfo(StoreUri location, long size, String etag, Instant lastModified) {
    }

    /** An object's content and the ETag of that content, read together. */
    record Versioned(byte[] content, String etag) {
    }

    /** Creates the object only if nothing exists at that key; true when this call created it. Atomic. */
    boolean putIfAbsent(StoreUri at, byte[] content);

    /** Creates or replaces the object. */
    void put(StoreUri at, byte[] content);

    Optional<byte[]> get(StoreUri at);

    /**
     * The content with its ETag. This default reads the ETag and the content in two calls (a write in between
     * makes the pair inconsistent, which a later {@link #replaceIfMatch} then refuses); stores override it.
     */
    default Optional<Versioned> read(StoreUri at) {
        Optional<ObjectInfo> h = head(at);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        return get(at).map(b -> new Versioned(b, h.get().etag()));
    }

    /**
     * Replaces the object only if its ETag is still {@code etag}: the fence of the builder's batch records and
     * claims. Returns the new ETag, or empty when the object changed or is gone. Atomic on S3 ({@code If-Match})
     * and on {@link LocalDirectoryStore}; this default (check, then write) is not, and serves single-writer stores.
     */
    default Optional<String> replaceIfMatch(StoreUri at, byte[] content, String etag) {
        Optional<ObjectInfo> h = head(at);
        if (h.isEmpty() || !h.get().etag().equals(etag)) {
            return Optional.empty();
        }
        put(at, content);
        return head(at).map(ObjectInfo::etag);
    }

    Optional<ObjectInfo> head(StoreUri at);

    /** Every object whose key starts with the location's key, in key order, fetched page by page. */
    Iterable<ObjectInfo> list(StoreUri prefix);

    /** Server-side copy; the source stays. */
    void copy(StoreUri from, StoreUri to);

    /** Deletes the object; deleting a missing object is not an error. */
    void delete(StoreUri at);

    /** The URI that names the object in a manifest (what the Spark job reads). */
    String fileUri(StoreUri at);
}
