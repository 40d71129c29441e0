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

    /** Creates the object only if nothing exists at that key; true when this call created it. Atomic. */
    boolean putIfAbsent(StoreUri at, byte[] content);

    /** Creates or replaces the object. */
    void put(StoreUri at, byte[] content);

    Optional<byte[]> get(StoreUri at);

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
