package dev.ndjsonparquet.controller.builder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The little the builder needs from an object store. Implemented over S3 ({@link S3ObjectStore}) and over
 * local directories standing in for buckets ({@link LocalDirectoryStore}).
 */
public interface ObjectStore {

    /** An object as listed or headed. ETag without quotes. */
    record ObjectInfo(StoreUri location, long size, String etag, Instant lastModified) {
    }

    /**
     * One page of a listing, in key order.
     *
     * @param objects the page's objects
     * @param more    true when objects after the last one of this page may follow
     */
    record Page(List<ObjectInfo> objects, boolean more) {
        public Page {
            objects = List.copyOf(objects);
        }
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

    /**
     * At most {@code max} objects under the prefix whose key sorts after {@code startAfter} (null: from the
     * first), in key order: a listing resumed from a key, with no token that could expire. This default filters
     * {@link #list}; stores that can start a listing at a key override it.
     */
    default Page listPage(StoreUri prefix, String startAfter, int max) {
        List<ObjectInfo> out = new ArrayList<>();
        for (ObjectInfo o : list(prefix)) {
            if (startAfter != null && o.location().key().compareTo(startAfter) <= 0) {
                continue;
            }
            if (out.size() == max) {
                return new Page(out, true);
            }
            out.add(o);
        }
        return new Page(out, false);
    }

    /** Server-side copy; the source stays. */
    void copy(StoreUri from, StoreUri to);

    /**
     * The same copy, telling {@code copied} the bytes copied as it goes (parts of a multipart copy, from the
     * threads that copy them). This default copies in one step and reports nothing.
     */
    default void copy(StoreUri from, StoreUri to, LongConsumer copied) {
        copy(from, to);
    }

    /** Deletes the object; deleting a missing object is not an error. */
    void delete(StoreUri at);

    /** The URI that names the object in a manifest (what the Spark job reads). */
    String fileUri(StoreUri at);
}
