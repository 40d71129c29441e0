package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestMessage;

/**
 * Writes a manifest to {@code <manifest-location>/<manifest-id>.json} (create-once: a second write of the
 * same id finds it and keeps it) and sends its small message to the manifest queue.
 */
public final class ManifestShipper {

    private final ObjectStore store;
    private final StoreUri location;
    private final SqsQueue queue;

    public ManifestShipper(ObjectStore store, StoreUri location, SqsQueue queue) {
        this.store = store;
        this.location = location;
        this.queue = queue;
    }

    public StoreUri locationOf(String manifestId) {
        return location.child(manifestId + ".json");
    }

    /** Writes the manifest unless it already exists; returns the URI to put in the message. */
    public String write(Manifest manifest) {
        StoreUri at = locationOf(manifest.manifestId());
        store.putIfAbsent(at, ManifestCodec.encode(manifest));
        return store.fileUri(at);
    }

    /** Sends the manifest's message; an error is tagged as the manifest queue's (SQS), not the object store's. */
    public void send(String manifestUri, Manifest manifest) {
        String body = ManifestCodec.encodeMessage(ManifestMessage.of(manifestUri, manifest));
        try {
            queue.send(body);
        } catch (RuntimeException e) {
            throw new Dependency.Failure(Dependency.SQS, "sending manifest " + manifest.manifestId() + " to the manifest queue", e);
        }
    }
}
