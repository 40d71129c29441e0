package dev.ndjsonparquet.controller.builder;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a rejected file aside: a copy under {@code <location>/<reason>/<bucket>/<key>} (mode copy) and a
 * reason record under {@code <location>/records/<file-id>.json}, created once. The source is never deleted.
 * A key that paths would rewrite ({@link QuarantineReason#UNSAFE_KEY}) is never copied: the record names the
 * exact key, and a copy under that key would carry the same problem; nor is a file outside the allowed inputs.
 *
 * <p>The copy (parallel parts with a time budget of their own on S3, see {@link S3Copier}) runs on a thread of
 * its own while the calling loop waits for it, running the keep-alive it was given (visibility extension,
 * liveness) every {@link #KEEP_ALIVE_EVERY}: a copy of hundreds of gigabytes takes minutes. A keep-alive that
 * throws (leadership lost) cancels the copy.
 *
 * <p>Events that cannot be read (a record of a message whose key is not valid URL encoding, say) are
 * recorded under {@code <location>/malformed-events/<message-id>-<index>.json} with the reason and the record;
 * readable records whose processing kept failing under {@code <location>/failed-events/}.
 */
public final class Quarantine {

    static final Duration KEEP_ALIVE_EVERY = Duration.ofSeconds(1);
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    /** Why and where a file was quarantined. {@code copy} is null in reference mode. */
    public record Record(String source, String bucket, String key, String etag, long size, String reason,
                         String detail, String mode, String copy, Instant quarantinedAt) {
    }

    /** An event record that could not be read, kept with the reason. */
    public record MalformedEvent(String messageId, int index, String reason, String record, Instant recordedAt) {
    }

    /**
     * A readable record whose processing kept failing while other work succeeded, set aside after a bound of
     * attempts so that it fails only itself: where it came from ({@code <message-id>-<index>} or
     * {@code listing-<file-id>}), the object it names, the last error and how often it was tried.
     */
    public record FailedEvent(String origin, String bucket, String key, long size, String etag, String reason,
                              int attempts, Instant recordedAt) {
    }

    private final ObjectStore store;
    private final StoreUri location;
    private final BuilderSettings.QuarantineMode mode;
    private Runnable keepAlive = () -> { };
    private ExecutorService copier;

    public Quarantine(ObjectStore store, StoreUri location, BuilderSettings.QuarantineMode mode) {
        this.store = store;
        this.location = location;
        this.mode = mode;
    }

    /** What to run while a copy is in progress (the caller's thread waits in the meantime). */
    void whileWaiting(Runnable keepAlive) {
        this.keepAlive = keepAlive;
    }

    /** True when the file was quarantined by this call, false when an earlier event already did it. */
    public boolean put(ObjectEvent file, QuarantineReason reason, String detail, Instant now) {
        StoreUri record = recordUri(file);
        if (store.head(record).isPresent()) {
            return false;
        }
        String copy = null;
        boolean copies = mode == BuilderSettings.QuarantineMode.COPY && reason.copiesObject();
        if (copies) {
            StoreUri target = location.child(reason.code() + "/" + file.bucket() + "/" + file.key());
            copyWhileKeepingAlive(file.location(), target, file.size());
            copy = store.fileUri(target);
        }
        String source = reason == QuarantineReason.UNSAFE_KEY ? file.location().toString() : store.fileUri(file.location());
        Record r = new Record(source, file.bucket(), file.key(), file.etag(), file.size(),
                reason.code(), detail, copies ? mode.name().toLowerCase(Locale.ROOT) : "reference", copy, now);
        return store.putIfAbsent(record, Ledger.write(r));
    }

    /** Records an unreadable event once; true when this call recorded it. */
    public boolean recordMalformed(String messageId, int index, String reason, String record, Instant now) {
        StoreUri at = location.child("malformed-events/" + safe(messageId) + "-" + index + ".json");
        return store.putIfAbsent(at, Ledger.write(new MalformedEvent(messageId, index, reason, record, now)));
    }

    /** Records once that processing {@code event} kept failing; true when this call recorded it. */
    public boolean recordFailed(String origin, ObjectEvent event, String reason, int attempts, Instant now) {
        StoreUri at = location.child("failed-events/" + safe(origin) + ".json");
        return store.putIfAbsent(at, Ledger.write(new FailedEvent(origin, event.bucket(), event.key(), event.size(),
                event.etag(), reason, attempts, now)));
    }

    public StoreUri recordUri(ObjectEvent file) {
        return location.child("records/" + Ledger.fileId(file.bucket(), file.key(), file.etag(), file.versionId()) + ".json");
    }

    /**
     * Runs the copy on the copier thread and waits for it, running the keep-alive every {@link #KEEP_ALIVE_EVERY}
     * and logging progress every {@link #PROGRESS_EVERY}. When the keep-alive throws (the Lease is lost) or this
     * thread is interrupted, the copy is cancelled (a multipart copy then aborts its upload).
     */
    private void copyWhileKeepingAlive(StoreUri from, StoreUri to, long size) {
        AtomicLong copied = new AtomicLong();
        long started = System.nanoTime();
        long lastReport = started;
        Future<?> copying = copier().submit(() -> store.copy(from, to, copied::addAndGet));
        try {
            while (true) {
                try {
                    copying.get(KEEP_ALIVE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    if (System.nanoTime() - started > PROGRESS_EVERY.toNanos()) {
                        LOG.info("quarantine copy of {} to {} done: {} bytes in {} s", from, to, size,
                                (System.nanoTime() - started) / 1_000_000_000L);
                    }
                    return;
                } catch (TimeoutException stillCopying) {
                    keepAlive.run();
                    if (System.nanoTime() - lastReport > PROGRESS_EVERY.toNanos()) {
                        lastReport = System.nanoTime();
                        LOG.info("quarantine copy of {}: {} of {} bytes copied", from, copied.get(), size);
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("quarantine copy of " + from + " failed", e.getCause());
        } catch (InterruptedException e) {
            copying.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying " + from + " to quarantine", e);
        } catch (RuntimeException e) {
            copying.cancel(true); // the keep-alive says stop: no copy goes on for a deposed leader
            throw e;
        }
    }

    private synchronized ExecutorService copier() {
        if (copier == null) {
            // One copy at a time; the thread ends when idle, so engines of past terms leave none behind.
            copier = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "quarantine-copy");
                t.setDaemon(true);
                return t;
            });
        }
        return copier;
    }

    private static String safe(String id) {
        return id == null ? "unknown" : id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
