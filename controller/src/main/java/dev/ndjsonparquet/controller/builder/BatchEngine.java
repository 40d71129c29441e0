package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.builder.BatchPolicy.CloseReason;
import dev.ndjsonparquet.controller.builder.Ledger.BatchRecord;
import dev.ndjsonparquet.controller.builder.Ledger.Claim;
import dev.ndjsonparquet.controller.builder.Ledger.SentRecord;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns created objects into manifests, whatever fed them (notifications or listings): checks each file,
 * quarantines or claims it in the ledger, fills the open batch and ships it when the {@link BatchPolicy}
 * says so. Not thread-safe: one engine per process, driven by one loop.
 *
 * <p>Order of durable effects for a file: batch record (once per batch), member record, claim. For a batch:
 * closing record (manifest id and time fixed), manifest object, manifest message, sent record. A restarted
 * engine ({@link #recover()}) ships every batch its owner left open, rebuilt from the ledger, so each claimed
 * file reaches exactly one manifest, and a manifest sent twice carries the same id.
 */
public final class BatchEngine {

    private static final Logger LOG = LoggerFactory.getLogger(BatchEngine.class);

    /** What happened to one offered file. {@code batchId} is set for ACCEPTED and DUPLICATE (when known). */
    public record Outcome(Kind kind, String batchId) {
        public enum Kind { ACCEPTED, DUPLICATE, QUARANTINED, GONE }
    }

    private final BuilderSettings settings;
    private final ObjectStore store;
    private final Ledger ledger;
    private final Quarantine quarantine;
    private final ManifestShipper shipper;
    private final BuilderMetrics metrics;
    private final StepHook hook;
    private final Clock clock;
    private final String owner;
    private final BatchPolicy policy;
    private final Admission admission;
    private final List<String> shipped = new ArrayList<>();
    private final List<OpenBatch> unshipped = new ArrayList<>();

    private OpenBatch current;

    /** The batch being filled, in memory; its records in the ledger make it survive a restart. */
    private static final class OpenBatch {
        BatchRecord record;
        final List<Claim> files = new ArrayList<>();
        long bytes;
        Instant oldest;

        OpenBatch(BatchRecord record) {
            this.record = record;
        }

        boolean contains(Claim c) {
            String id = Ledger.fileId(c);
            return files.stream().anyMatch(f -> Ledger.fileId(f).equals(id));
        }

        void add(Claim c) {
            files.add(c);
            bytes += c.size();
            if (oldest == null || c.claimedAt().isBefore(oldest)) {
                oldest = c.claimedAt();
            }
        }
    }

    public BatchEngine(BuilderSettings settings, ObjectStore store, ManifestShipper shipper, BuilderMetrics metrics,
                       StepHook hook, Clock clock, String owner) {
        this.settings = settings;
        this.store = store;
        this.ledger = new Ledger(store, settings.ledgerLocation());
        this.quarantine = new Quarantine(store, settings.quarantineLocation(), settings.quarantineMode());
        this.shipper = shipper;
        this.metrics = metrics;
        this.hook = hook;
        this.clock = clock;
        this.owner = owner;
        this.policy = settings.batchPolicy();
        this.admission = settings.admission();
        metrics.oldestWaiting(this::oldestWaitingAge);
    }

    public Ledger ledger() {
        return ledger;
    }

    /** Ships every batch this owner left open (a crash or a stop); call once before offering files. */
    public List<String> recover() {
        List<String> done = new ArrayList<>();
        for (BatchRecord open : ledger.openBatches(owner)) {
            List<Claim> members = ledger.membersOf(open.batchId());
            if (members.isEmpty()) {
                ledger.forget(owner, open.batchId());
                continue;
            }
            LOG.info("recovering batch {} of {} files left {}", open.batchId(), members.size(),
                    open.closed() ? "closed" : "open");
            OpenBatch b = new OpenBatch(open);
            members.forEach(b::add);
            ship(b, CloseReason.RECOVERED);
            done.add(open.batchId());
        }
        return done;
    }

    /**
     * Checks, claims and batches one object; ships the open batch when it is full. Listing feeds pass
     * {@code precheck} to skip already claimed files with one cheap lookup.
     */
    public Outcome offer(ObjectEvent event, boolean precheck) {
        metrics.eventsReceived.increment();
        ObjectEvent file = complete(event);
        if (file == null) {
            return new Outcome(Outcome.Kind.GONE, null);
        }
        Optional<QuarantineReason> reason = admission.check(file.key(), file.size());
        if (reason.isPresent()) {
            return quarantine(file, reason.get());
        }
        String fileId = Ledger.fileId(file.bucket(), file.key(), file.etag(), file.versionId());
        if (precheck && ledger.isClaimed(fileId)) {
            return duplicate(fileId);
        }
        if (current != null && policy.closeBefore(current.files.size(), current.bytes, file.size())) {
            ship(current, CloseReason.BYTES);
        }
        OpenBatch batch = openBatch();
        Claim claim = new Claim(file.bucket(), file.key(), file.etag(), file.versionId(), file.size(),
                store.fileUri(file.location()), batch.record.batchId(), clock.instant());
        ledger.writeMember(claim);
        if (!ledger.claim(claim)) {
            Optional<Claim> existing = ledger.claimOf(fileId);
            if (existing.isEmpty() || !batch.record.batchId().equals(existing.get().batchId()) || batch.contains(claim)) {
                if (batch.files.isEmpty()) {
                    // Nothing joined this batch: drop it rather than leave an empty open record behind.
                    ledger.forget(owner, batch.record.batchId());
                    current = null;
                }
                return duplicate(fileId);
            }
            claim = existing.get(); // claimed by this batch before an earlier attempt failed: keep it
        }
        hook.reached(Step.CLAIMED);
        batch.add(claim);
        metrics.filesAccepted.increment();
        String batchId = batch.record.batchId();
        policy.closeNow(batch.files.size(), batch.bytes, batch.oldest, clock.instant())
                .ifPresent(why -> ship(batch, why));
        return new Outcome(Outcome.Kind.ACCEPTED, batchId);
    }

    /** Retries batches whose shipping failed, and ships the open batch once its oldest file waited long enough. */
    public void tick() {
        for (OpenBatch b : List.copyOf(unshipped)) {
            unshipped.remove(b);
            ship(b, CloseReason.valueOf(b.record.closeReason() == null ? "AGE" : b.record.closeReason()));
        }
        if (current != null) {
            policy.closeNow(current.files.size(), current.bytes, current.oldest, clock.instant())
                    .ifPresent(why -> ship(current, why));
        }
    }

    /** Ships the open batch whatever its size (end of a backfill). */
    public void flush() {
        if (current != null && !current.files.isEmpty()) {
            ship(current, CloseReason.FLUSH);
        }
    }

    /** True while the batch is open in this engine, i.e. its files have not reached the manifest queue. */
    public boolean isOpen(String batchId) {
        return current != null && current.record.batchId().equals(batchId)
                || unshipped.stream().anyMatch(b -> b.record.batchId().equals(batchId));
    }

    /** Batch ids shipped since the last call, in order. */
    public List<String> drainShipped() {
        List<String> out = List.copyOf(shipped);
        shipped.clear();
        return out;
    }

    /** When the open batch closes by age, or empty when no batch waits. */
    public Optional<Instant> deadline() {
        return current == null || current.oldest == null ? Optional.empty() : Optional.of(policy.deadline(current.oldest));
    }

    public Duration oldestWaitingAge() {
        OpenBatch b = current;
        return b == null || b.oldest == null ? Duration.ZERO : Duration.between(b.oldest, clock.instant());
    }

    private ObjectEvent complete(ObjectEvent e) {
        if (e.etag() != null && e.size() >= 0) {
            return e;
        }
        return store.head(e.location())
                .map(h -> new ObjectEvent(e.bucket(), e.key(), h.size(), h.etag(), e.versionId(), e.eventTime()))
                .orElse(null);
    }

    private Outcome quarantine(ObjectEvent file, QuarantineReason reason) {
        String detail = switch (reason) {
            case EXCLUDED_NAME -> "key does not match include-patterns or matches exclude-patterns";
            case TOO_SMALL -> "size " + file.size() + " bytes is below the minimum " + settings.sizeBand().minBytes();
            case TOO_LARGE -> "size " + file.size() + " bytes is above the maximum " + settings.sizeBand().maxBytes();
        };
        if (quarantine.put(file, reason, detail, clock.instant())) {
            metrics.quarantined(reason);
            LOG.info("quarantined {} ({}): {}", file.location(), reason.code(), detail);
            return new Outcome(Outcome.Kind.QUARANTINED, null);
        }
        metrics.duplicates.increment();
        return new Outcome(Outcome.Kind.DUPLICATE, null);
    }

    private Outcome duplicate(String fileId) {
        metrics.duplicates.increment();
        return new Outcome(Outcome.Kind.DUPLICATE, ledger.claimOf(fileId).map(Claim::batchId).orElse(null));
    }

    private OpenBatch openBatch() {
        if (current == null) {
            BatchRecord r = new BatchRecord("b-" + UUID.randomUUID(), owner, clock.instant(), null, null, null);
            ledger.writeBatch(r);
            current = new OpenBatch(r);
        }
        return current;
    }

    private void ship(OpenBatch batch, CloseReason reason) {
        if (batch == current) {
            current = null;
        }
        try {
            shipOnce(batch, reason);
        } catch (RuntimeException e) {
            unshipped.add(batch);
            throw e;
        }
    }

    private void shipOnce(OpenBatch batch, CloseReason reason) {
        List<ManifestFile> files = batch.files.stream()
                .sorted(Comparator.comparing(Claim::uri))
                .map(c -> new ManifestFile(c.uri(), c.size(), c.etag(), c.versionId()))
                .toList();
        BatchRecord closed = batch.record;
        if (!closed.closed()) {
            Instant at = clock.instant();
            Manifest m = Manifest.of(at, files, settings.outputLocation(), settings.schemaUri());
            closed = new BatchRecord(closed.batchId(), owner, closed.openedAt(), at, m.manifestId(), reason.name());
            ledger.writeBatch(closed);
            batch.record = closed;
            hook.reached(Step.BATCH_CLOSED);
        }
        Manifest manifest = Manifest.of(closed.closedAt(), files, settings.outputLocation(), settings.schemaUri());
        if (!manifest.manifestId().equals(closed.manifestId())) {
            LOG.warn("batch {} rebuilt as {} but was closed as {}", closed.batchId(), manifest.manifestId(), closed.manifestId());
        }
        String uri = shipper.write(manifest);
        hook.reached(Step.MANIFEST_WRITTEN);
        shipper.send(uri, manifest);
        hook.reached(Step.MANIFEST_SENT);
        ledger.markSent(owner, new SentRecord(closed.batchId(), manifest.manifestId(), uri, manifest.fileCount(),
                manifest.totalBytes(), clock.instant()));
        hook.reached(Step.BATCH_RECORDED);
        metrics.manifestsWritten.increment();
        if (batch.oldest != null) {
            metrics.batchFilled(Duration.between(batch.oldest, clock.instant()));
        }
        shipped.add(closed.batchId());
        LOG.info("manifest {} sent: {} files, {} bytes, closed by {}", manifest.manifestId(), manifest.fileCount(),
                manifest.totalBytes(), closed.closeReason());
    }
}
