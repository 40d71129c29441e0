package dev.ndjsonparquet.controller.builder;

import java.time.Instant;

/**
 * Puts a rejected file aside: a copy under {@code <location>/<reason>/<bucket>/<key>} (mode copy) and a
 * reason record under {@code <location>/records/<file-id>.json}, created once. The source is never deleted.
 */
public final class Quarantine {

    /** Why and where a file was quarantined. {@code copy} is null in reference mode. */
    public record Record(String source, String bucket, String key, String etag, long size, String reason,
                         String detail, String mode, String copy, Instant quarantinedAt) {
    }

    private final ObjectStore store;
    private final StoreUri location;
    private final BuilderSettings.QuarantineMode mode;

    public Quarantine(ObjectStore store, StoreUri location, BuilderSettings.QuarantineMode mode) {
        this.store = store;
        this.location = location;
        this.mode = mode;
    }

    /** True when the file was quarantined by this call, false when an earlier event already did it. */
    public boolean put(ObjectEvent file, QuarantineReason reason, String detail, Instant now) {
        StoreUri record = recordUri(file);
        if (store.head(record).isPresent()) {
            return false;
        }
        String copy = null;
        if (mode == BuilderSettings.QuarantineMode.COPY) {
            StoreUri target = location.child(reason.code() + "/" + file.bucket() + "/" + file.key());
            store.copy(file.location(), target);
            copy = store.fileUri(target);
        }
        Record r = new Record(store.fileUri(file.location()), file.bucket(), file.key(), file.etag(), file.size(),
                reason.code(), detail, mode.name().toLowerCase(java.util.Locale.ROOT), copy, now);
        return store.putIfAbsent(record, Ledger.write(r));
    }

    public StoreUri recordUri(ObjectEvent file) {
        return location.child("records/" + Ledger.fileId(file.bucket(), file.key(), file.etag(), file.versionId()) + ".json");
    }
}
