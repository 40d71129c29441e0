package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.builder.BatchPolicy.CloseReason;
import dev.ndjsonparquet.controller.builder.Ledger.BatchRecord;
import dev.ndjsonparquet.controller.builder.Ledger.Claim;
import dev.ndjsonparquet.controller.builder.Ledger.SentRecord;
import dev.ndjsonparquet.controller.builder.Ledger.Stored;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import dev.ndjsonparquet.location.ObjectKeys;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.manifest.ManifestValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns created objects into manifests, whatever fed them (notifications or listings): checks each file,
 * quarantines or claims it in the ledger, fills the open batch and ships it when the {@link BatchPolicy}
 * says so. Not thread-safe: one engine per process, driven by one loop.
 *
 * <p>Order of durable effects for a file: batch record (once per batch), member record, claim. For a batch:
 * closing record (manifest id, time and file list fixed, written with If-Match), manifest object, manifest
 * message, sent record. A batch's files are those of the ledger (members whose claim names the batch), not
 * only those this engine saw accepted, since a claim write that threw may have been applied. A restarted
 * engine ({@link #recover()}) ships every batch its owner left open, so each claimed file reaches exactly one
 * manifest, and a manifest sent twice carries the same id.
 *
 * <p>Fencing: each engine starts a new term of its owner ({@link Ledger#beginTerm}); it checks the term before
 * offering a file and before shipping, and closes a batch only with If-Match on the record it last wrote or
 * read, so a deposed engine's late close is refused by the store. A claim that lands in a batch after the
 * batch's list was fixed is found when the file comes back (its ingest message is redelivered, or a listing
 * finds it) and is re-pointed to the open batch.
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
    private final String instance;
    private final BatchPolicy policy;
    private final Admission admission;
    private final List<String> shipped = new ArrayList<>();
    private final List<OpenBatch> unshipped = new ArrayList<>();
    /** Batches stopped by a broken invariant in this term: not retried, not shipped (see {@link BrokenBatch}). */
    private final Set<String> stopped = new java.util.LinkedHashSet<>();
    private final List<String> newlyStopped = new ArrayList<>();
    private final FixedLists fixedLists;
    /** What the step hook threw: a simulated kill, which the loop must not take for a failure to retry. */
    private final Set<Throwable> kills = java.util.Collections.synchronizedSet(
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

    private long term;
    private Instant lastFenceCheck;
    private OpenBatch current;

    /** The batch being filled, in memory; its records in the ledger make it survive a restart. */
    private static final class OpenBatch {
        BatchRecord record;
        String etag;
        final List<Claim> files = new ArrayList<>();
        long bytes;
        Instant oldest;
        /** A member or claim write for this batch threw: the ledger may hold a file memory does not. */
        boolean uncertain;
        /** The manifest message was sent (a retry after a later step failed does not send it again). */
        boolean sent;

        OpenBatch(BatchRecord record, String etag) {
            this.record = record;
            this.etag = etag;
        }

        boolean contains(Claim c) {
            String id = Ledger.fileId(c);
            return files.stream().anyMatch(f -> Ledger.fileId(f).equals(id));
        }

        /** True when the batch holds another version of the object at {@code uri} (a manifest names each object once). */
        boolean holdsAnotherVersionOf(String uri, String fileId) {
            return files.stream().anyMatch(f -> f.uri().equals(uri) && !Ledger.fileId(f).equals(fileId));
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
        this.hook = step -> {
            try {
                hook.reached(step);
            } catch (RuntimeException e) {
                kills.add(e);
                throw e;
            }
        };
        this.clock = clock;
        this.owner = owner;
        this.instance = owner + "-" + UUID.randomUUID();
        this.policy = settings.batchPolicy();
        this.admission = settings.admission();
        this.fixedLists = new FixedLists(ledger, store, owner);
        metrics.oldestWaiting(this::oldestWaitingAge);
    }

    public Ledger ledger() {
        return ledger;
    }

    public Quarantine quarantine() {
        return quarantine;
    }

    /** This engine's term of its owner, 0 before it started one. */
    public long term() {
        return term;
    }

    /**
     * Starts a new term (fencing any earlier engine of this owner), then ships every batch this owner left
     * open (a crash, a stop, a deposed leader), and re-points claims that landed in a batch after its list was
     * fixed. Call once before offering files.
     */
    public List<String> recover() {
        term = ledger.beginTerm(owner, instance, clock.instant());
        List<String> done = new ArrayList<>();
        for (Stored<BatchRecord> open : ledger.openBatches(owner)) {
            if (adopt(open, CloseReason.RECOVERED)) {
                done.add(open.value().batchId());
            }
        }
        for (String batchId : done) {
            repairStrays(batchId);
        }
        return done;
    }

    /**
     * Claims that name a shipped batch whose manifest does not list them (written by a deposed engine after
     * the batch's list was fixed) are claimed again into the open batch. Their messages would bring them
     * back too; this finds them when no message will (listing feeds).
     */
    private void repairStrays(String batchId) {
        Set<String> listed = fixedLists.remembered(batchId);
        if (listed == null) {
            return;
        }
        for (Claim stray : ledger.membersOf(batchId)) {
            if (!listed.contains(stray.uri())) {
                ledger.storedClaimOf(Ledger.fileId(stray)).ifPresent(c -> alreadyClaimed(c,
                        new ObjectEvent(stray.bucket(), stray.key(), stray.size(), stray.etag(), stray.versionId(), null)));
            }
        }
    }

    /**
     * Checks, claims and batches one object; ships the open batch when it is full. Listing feeds pass
     * {@code precheck} to skip already claimed files with one cheap lookup.
     */
    public Outcome offer(ObjectEvent event, boolean precheck) {
        metrics.eventsReceived.increment();
        Optional<QuarantineReason> refused = admission.location(event.key(), () -> store.fileUri(event.location()));
        if (refused.isPresent()) {
            return quarantine(event, refused.get());
        }
        ObjectEvent file = complete(event);
        if (file == null) {
            return new Outcome(Outcome.Kind.GONE, null);
        }
        Optional<QuarantineReason> reason = admission.check(file.key(), file.size());
        if (reason.isPresent()) {
            return quarantine(file, reason.get());
        }
        fenceAtMostEverySecond();
        String fileId = Ledger.fileId(file.bucket(), file.key(), file.etag(), file.versionId());
        if (precheck) {
            Optional<Stored<Claim>> existing = ledger.storedClaimOf(fileId);
            if (existing.isPresent()) {
                return alreadyClaimed(existing.get(), file);
            }
        }
        if (current != null && policy.closeBefore(current.files.size(), current.bytes, file.size())) {
            ship(current, CloseReason.BYTES);
        }
        if (current != null && current.holdsAnotherVersionOf(store.fileUri(file.location()), fileId)) {
            // An object overwritten while its first version waits in the open batch: the manifest would name the
            // object twice, which no reader accepts, and the batch could never ship. The new version starts the next.
            ship(current, CloseReason.FLUSH);
        }
        OpenBatch batch = openBatch();
        Claim claim = new Claim(file.bucket(), file.key(), file.etag(), file.versionId(), file.size(),
                store.fileUri(file.location()), batch.record.batchId(), clock.instant(), owner);
        boolean claimed;
        try {
            ledger.writeMember(claim);
            hook.reached(Step.MEMBER_WRITTEN);
            claimed = ledger.claim(claim);
        } catch (RuntimeException e) {
            batch.uncertain = true;
            throw e;
        }
        if (!claimed) {
            Optional<Stored<Claim>> existing = ledger.storedClaimOf(fileId);
            if (existing.isEmpty()) {
                batch.uncertain = true;
                throw new IllegalStateException("claim of " + file.location() + " refused but not found; retried later");
            }
            if (!batch.record.batchId().equals(existing.get().value().batchId())) {
                Outcome o = alreadyClaimed(existing.get(), file);
                forgetIfEmpty(batch);
                return o;
            }
            if (batch.contains(claim)) {
                return duplicate(batch.record.batchId());
            }
            claim = existing.get().value(); // claimed by this batch before an earlier attempt failed: keep it
        }
        hook.reached(Step.CLAIMED);
        return accepted(batch, claim);
    }

    private Outcome accepted(OpenBatch batch, Claim claim) {
        batch.add(claim);
        metrics.filesAccepted.increment();
        String batchId = batch.record.batchId();
        policy.closeNow(batch.files.size(), batch.bytes, batch.oldest, clock.instant())
                .ifPresent(why -> ship(batch, why));
        return new Outcome(Outcome.Kind.ACCEPTED, batchId);
    }

    /**
     * A file whose claim names another batch. It is a duplicate when that batch will ship it or has shipped
     * it; when the batch closed without it (the claim landed after its list was fixed) or ended empty, the
     * claim is re-pointed to the open batch; a batch of this owner that no engine holds is shipped now.
     * When the ledger no longer knows the batch (history removed by hand) it is taken as a duplicate.
     */
    private Outcome alreadyClaimed(Stored<Claim> existing, ObjectEvent file) {
        Claim claim = existing.value();
        String batchId = claim.batchId();
        if (isOpen(batchId)) {
            return duplicate(batchId);
        }
        FixedLists.Fixed fixed = fixedLists.of(claim);
        if (fixed == null) {
            String batchOwner = claim.owner() == null ? owner : claim.owner();
            Optional<Stored<BatchRecord>> record = ledger.readBatch(batchOwner, batchId);
            if (record.isPresent() && !batchOwner.equals(owner)) {
                return duplicate(batchId); // another owner's batch (a backfill): that owner ships it
            }
            if (stopped.contains(batchId)) {
                return duplicate(batchId); // reported already in this term; its file stays with it in the ledger
            }
            if (record.isPresent()) {
                LOG.warn("batch {} of {} was left open by an earlier term; shipping it now", batchId, owner);
                adopt(record.get(), CloseReason.RECOVERED);
            }
            fixed = fixedLists.of(claim);
        }
        if (fixed == null || fixed.uris() == null || fixed.uris().contains(claim.uri())) {
            return duplicate(batchId);
        }
        LOG.warn("{} is claimed by batch {} whose manifest does not list it; claiming it again", claim.uri(), batchId);
        OpenBatch batch = openBatch();
        Claim fresh = claim.forBatch(batch.record.batchId(), owner, clock.instant());
        try {
            ledger.writeMember(fresh);
            if (!ledger.reclaim(existing, fresh)) {
                throw new IllegalStateException("claim of " + claim.uri() + " changed while being claimed again; retried later");
            }
        } catch (RuntimeException e) {
            batch.uncertain = true;
            throw e;
        }
        hook.reached(Step.CLAIMED);
        return accepted(batch, fresh);
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
        tick();
        if (current != null && (!current.files.isEmpty() || current.uncertain)) {
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

    /**
     * Batch ids stopped since the last call (a manifest rebuilt with another id than the one recorded at
     * close): they will not ship in this term, so the ingest messages waiting for them are settled.
     */
    public List<String> drainStopped() {
        List<String> out = List.copyOf(newlyStopped);
        newlyStopped.clear();
        return out;
    }

    /** Batch ids stopped by a broken invariant in this term. */
    public Set<String> stoppedBatches() {
        return Set.copyOf(stopped);
    }

    /** A batch that cannot ship as recorded: an invariant broke, retrying cannot mend it. */
    static final class BrokenBatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BrokenBatch(String message) {
            super(message);
        }
    }

    /** When the open batch closes by age, or empty when no batch waits. */
    public Optional<Instant> deadline() {
        return current == null || current.oldest == null ? Optional.empty() : Optional.of(policy.deadline(current.oldest));
    }

    public Duration oldestWaitingAge() {
        OpenBatch b = current;
        return b == null || b.oldest == null ? Duration.ZERO : Duration.between(b.oldest, clock.instant());
    }

    /** True when the error was thrown by the step hook (a test's kill), which ends the process it simulates. */
    public boolean isKill(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kills.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** Lets a long quarantine copy keep the caller alive (visibility extension, liveness) while it waits. */
    public void whileWaiting(Runnable keepAlive) {
        quarantine.whileWaiting(keepAlive);
    }

    /**
     * The term check before offering, at most once a second: a GET per file would add a third request to
     * the two PUTs a file costs. A deposed engine can claim files for up to a second more; those claims land
     * in a batch it can no longer close (If-Match) and are claimed again (see the class comment).
     */
    private void fenceAtMostEverySecond() {
        Instant now = clock.instant();
        if (term == 0 || lastFenceCheck == null || !now.isBefore(lastFenceCheck.plusSeconds(1))) {
            fence();
            lastFenceCheck = now;
        }
    }

    /** Throws {@link Fenced} when a newer engine of this owner has started. */
    public void fence() {
        if (term == 0) {
            term = ledger.beginTerm(owner, instance, clock.instant());
        }
        long now = ledger.currentTerm(owner);
        if (now != term) {
            throw new Fenced(owner + " term " + term + " is over: term " + now + " has started");
        }
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
            case UNSAFE_KEY -> ObjectKeys.problem(file.key()).orElse("unsafe key");
            case OUTSIDE_ALLOWED_INPUTS -> admission.inputsRefusal(store.fileUri(file.location())).orElse("outside allowed-inputs");
        };
        if (quarantine.put(file, reason, detail, clock.instant())) {
            metrics.quarantined(reason);
            LOG.info("quarantined {} ({}): {}", file.location(), reason.code(), detail);
            return new Outcome(Outcome.Kind.QUARANTINED, null);
        }
        metrics.duplicates.increment();
        return new Outcome(Outcome.Kind.DUPLICATE, null);
    }

    private Outcome duplicate(String batchId) {
        metrics.duplicates.increment();
        return new Outcome(Outcome.Kind.DUPLICATE, batchId);
    }

    private OpenBatch openBatch() {
        if (current == null) {
            BatchRecord r = new BatchRecord("b-" + UUID.randomUUID(), owner, term, clock.instant(), null, null, null, null);
            String etag = ledger.createBatch(r);
            current = new OpenBatch(r, etag);
        }
        return current;
    }

    /** Drops an empty open batch, unless a write for it threw (its files would then be in the ledger only). */
    private void forgetIfEmpty(OpenBatch batch) {
        if (batch == current && batch.files.isEmpty() && !batch.uncertain) {
            ledger.abandonEmpty(owner, batch.record.batchId(), clock.instant());
            current = null;
        }
    }

    /** Ships a batch this engine does not hold (left by a crash or an earlier term); false when it had no files. */
    private boolean adopt(Stored<BatchRecord> stored, CloseReason reason) {
        BatchRecord open = stored.value();
        if (open.closed() && ledger.sentOf(open.batchId()).isPresent()) {
            // Killed between the sent record and removing the open one: already on the manifest queue.
            ledger.forget(owner, open.batchId());
            return false;
        }
        OpenBatch b = new OpenBatch(open, stored.etag());
        if (!open.closed()) {
            ledger.membersOf(open.batchId()).forEach(b::add);
            if (b.files.isEmpty()) {
                ledger.abandonEmpty(owner, open.batchId(), clock.instant());
                return false;
            }
        }
        LOG.info("recovering batch {} of {} left {} (term {})", open.batchId(), owner,
                open.closed() ? "closed" : "open", open.term());
        ship(b, reason);
        return !stopped.contains(open.batchId());
    }

    private void ship(OpenBatch batch, CloseReason reason) {
        if (batch == current) {
            current = null;
        }
        try {
            shipOnce(batch, reason);
        } catch (Fenced e) {
            throw e;
        } catch (BrokenBatch e) {
            // Shipping it under either id would break exactly-once keyed on the manifest id, and a manifest the
            // contract refuses can never ship: stop this batch, leave its record in the ledger for an operator, and
            // go on with the others.
            metrics.batchesStopped.increment();
            stopped.add(batch.record.batchId());
            newlyStopped.add(batch.record.batchId());
            LOG.error("batch {} stopped: {}; its record stays in the ledger for an operator", batch.record.batchId(),
                    e.getMessage());
        } catch (RuntimeException e) {
            unshipped.add(batch);
            throw e;
        }
    }

    private void shipOnce(OpenBatch batch, CloseReason reason) {
        fence();
        BatchRecord closed = batch.record;
        if (!closed.closed()) {
            List<Claim> members = fromLedger(batch);
            if (members.isEmpty()) {
                ledger.abandonEmpty(owner, closed.batchId(), clock.instant()); // its writes had not been applied
                return;
            }
            Instant at = clock.instant();
            Manifest m = Manifest.of(at, manifestFiles(members), settings.outputLocation(), settings.schemaUri());
            requireShippable(m);
            BatchRecord closing = closed.close(term, at, m.manifestId(), reason.name(), members);
            Optional<String> etag = ledger.replaceBatch(closing, batch.etag);
            if (etag.isEmpty()) {
                throw new Fenced("batch " + closed.batchId() + " was changed by another engine of " + owner
                        + " (term " + term + "); leaving it to that engine");
            }
            closed = closing;
            batch.record = closed;
            batch.etag = etag.get();
            hook.reached(Step.BATCH_CLOSED);
        }
        List<Claim> files = closed.files() != null ? closed.files() : ledger.membersOf(closed.batchId());
        Manifest manifest = Manifest.of(closed.closedAt(), manifestFiles(files), settings.outputLocation(), settings.schemaUri());
        if (!manifest.manifestId().equals(closed.manifestId())) {
            throw new BrokenBatch("its manifest, rebuilt from the closing record, has id " + manifest.manifestId()
                    + " but the batch was closed as " + closed.manifestId());
        }
        requireShippable(manifest);
        String uri = shipper.write(manifest);
        hook.reached(Step.MANIFEST_WRITTEN);
        if (!batch.sent) {
            fence();
            shipper.send(uri, manifest);
            batch.sent = true;
        }
        hook.reached(Step.MANIFEST_SENT);
        ledger.recordSent(new SentRecord(closed.batchId(), manifest.manifestId(), uri, manifest.fileCount(),
                manifest.totalBytes(), clock.instant()));
        hook.reached(Step.SENT_RECORDED);
        ledger.forget(closed.owner(), closed.batchId());
        hook.reached(Step.BATCH_RECORDED);
        fixedLists.remember(closed.batchId(), files.stream().map(Claim::uri).collect(Collectors.toSet()));
        metrics.manifestsWritten.increment();
        if (batch.oldest != null) {
            metrics.batchFilled(Duration.between(batch.oldest, clock.instant()));
        }
        shipped.add(closed.batchId());
        LOG.info("manifest {} sent: {} files, {} bytes, closed by {}", manifest.manifestId(), manifest.fileCount(),
                manifest.totalBytes(), closed.closeReason());
    }

    /**
     * The batch's files: those accepted in memory, plus members of the ledger whose claim names the batch
     * (a claim written by a call that threw). One listing per batch; a GET pair only for files memory lacks.
     */
    private List<Claim> fromLedger(OpenBatch batch) {
        Map<String, Claim> byId = new LinkedHashMap<>();
        batch.files.forEach(c -> byId.put(Ledger.fileId(c), c));
        for (String id : ledger.memberIds(batch.record.batchId())) {
            if (!byId.containsKey(id)) {
                ledger.memberOf(batch.record.batchId(), id).ifPresent(c -> {
                    LOG.info("batch {} also holds {} (a claim whose write reported an error)", batch.record.batchId(), c.uri());
                    byId.put(id, c);
                });
            }
        }
        return new ArrayList<>(byId.values());
    }

    /**
     * A manifest the contract refuses (every reader and the dispatcher would refuse it too) can never ship, and
     * retrying cannot mend it: its batch is stopped like a broken one instead of blocking the builder's loop for ever.
     * Admission keeps such files out; this is the last guard (a ledger written by another version, a defect).
     */
    private static void requireShippable(Manifest m) {
        List<String> problems = ManifestValidator.problems(m);
        if (!problems.isEmpty()) {
            throw new BrokenBatch("its manifest " + m.manifestId() + " breaks the manifest contract, so no reader would "
                    + "accept it: " + String.join("; ", problems));
        }
    }

    private static List<ManifestFile> manifestFiles(List<Claim> claims) {
        return claims.stream()
                .sorted(Comparator.comparing(Claim::uri))
                .map(c -> new ManifestFile(c.uri(), c.size(), c.etag(), c.versionId()))
                .toList();
    }
}
