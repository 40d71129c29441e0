package dev.ndjsonparquet.controller.builder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The durable record of which file went into which batch, kept in an {@link ObjectStore}:
 * <pre>
 *   terms/&lt;owner&gt;.json                 the owner's current term: raised (If-Match) by each engine that starts
 *   files/&lt;file-id&gt;.json                 claim: created once with put-if-absent; names the batch (re-pointed
 *                                       with If-Match only when that batch closed without the file)
 *   batches/open/&lt;owner&gt;/&lt;batch&gt;.json  a batch that has not reached the manifest queue yet; once closed it
 *                                       holds the batch's file list, written with If-Match on the record
 *   batches/members/&lt;batch&gt;/&lt;file-id&gt;  intent: written before the claim, valid only if the claim names this batch
 *   batches/sent/&lt;batch&gt;.json           the manifest a batch became, once its message was sent (no manifest:
 *                                       the batch ended empty); kept as long as files/, duplicates are checked on it
 *   sweeps/&lt;name&gt;.json                 where the periodic listing sweep is, so that a new leader resumes it
 * </pre>
 * The file id is a SHA-256 of bucket, key and ETag (the version id only when no ETag is known):
 * listings do not return version ids, so keying on the ETag keeps events and listings in agreement.
 *
 * <p>Every write may have taken effect even when it threw (a timeout after the server applied it): the
 * conditional writes here read back what is stored when a write throws, and accept it when it is what
 * this call wrote.
 */
public final class Ledger {

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** One file claimed for one batch; {@code owner} names whose batch (null in claims written before owners were recorded). */
    public record Claim(String bucket, String key, String etag, String versionId, long size, String uri,
                        String batchId, Instant claimedAt, String owner) {

        /** The same file claimed for another batch. */
        public Claim forBatch(String otherBatch, String otherOwner, Instant at) {
            return new Claim(bucket, key, etag, versionId, size, uri, otherBatch, at, otherOwner);
        }
    }

    /**
     * A batch that has not been sent yet; closed once its manifest id, creation time and file list are fixed.
     * {@code term} is the owner's term of the engine that last wrote the record.
     */
    public record BatchRecord(String batchId, String owner, long term, Instant openedAt, Instant closedAt,
                              String manifestId, String closeReason, List<Claim> files) {
        public boolean closed() {
            return closedAt != null;
        }

        public BatchRecord close(long byTerm, Instant at, String manifest, String reason, List<Claim> members) {
            return new BatchRecord(batchId, owner, byTerm, openedAt, at, manifest, reason, List.copyOf(members));
        }
    }

    /** A batch that became a manifest and reached the manifest queue. */
    public record SentRecord(String batchId, String manifestId, String manifestUri, int fileCount, long totalBytes,
                             Instant sentAt) {
    }

    /** The current term of an owner and which engine instance holds it. */
    public record Term(String owner, long term, String holder, Instant since) {
    }

    /** A ledger record and the ETag it had when read. */
    public record Stored<T>(T value, String etag) {
    }

    private final ObjectStore store;
    private final StoreUri root;

    public Ledger(ObjectStore store, StoreUri root) {
        this.store = store;
        this.root = root;
    }

    public static String fileId(String bucket, String key, String etag, String versionId) {
        String version = etag != null ? "e:" + etag : "v:" + (versionId == null ? "" : versionId);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] digest = sha.digest((bucket + "\n" + key + "\n" + version).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 20);
    }

    public static String fileId(Claim c) {
        return fileId(c.bucket(), c.key(), c.etag(), c.versionId());
    }

    // ---- terms ------------------------------------------------------------------------------------

    /**
     * Starts a new term for {@code owner} held by {@code holder}: the term record is raised by one with a
     * conditional write, so of two engines starting at once each gets its own term and the later one wins.
     */
    public long beginTerm(String owner, String holder, Instant now) {
        StoreUri at = termUri(owner);
        RuntimeException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<Stored<Term>> current = read(at, Term.class);
            long next = current.map(t -> t.value().term()).orElse(0L) + 1;
            byte[] content = write(new Term(owner, next, holder, now));
            try {
                boolean done = current.isEmpty() ? store.putIfAbsent(at, content)
                        : store.replaceIfMatch(at, content, current.get().etag()).isPresent();
                if (done) {
                    return next;
                }
            } catch (RuntimeException e) {
                last = e;
                Optional<Stored<Term>> now2 = read(at, Term.class);
                if (now2.isPresent() && now2.get().value().term() == next && holder.equals(now2.get().value().holder())) {
                    return next; // the write that threw had been applied
                }
            }
        }
        throw new IllegalStateException("could not start a term for " + owner + " after 10 attempts", last);
    }

    /** The owner's current term, 0 when none was ever started. */
    public long currentTerm(String owner) {
        return read(termUri(owner), Term.class).map(t -> t.value().term()).orElse(0L);
    }

    // ---- claims -----------------------------------------------------------------------------------

    /**
     * True when this call made the claim; false when the file was already claimed (by any batch). A write
     * that throws is read back: when the stored claim is this one, the claim was made.
     */
    public boolean claim(Claim claim) {
        StoreUri at = claimUri(fileId(claim));
        try {
            return store.putIfAbsent(at, write(claim));
        } catch (RuntimeException e) {
            Optional<Claim> stored;
            try {
                stored = claimOf(fileId(claim));
            } catch (RuntimeException readFailed) {
                e.addSuppressed(readFailed);
                throw e;
            }
            if (stored.isEmpty()) {
                throw e;
            }
            return stored.get().equals(claim);
        }
    }

    public Optional<Claim> claimOf(String fileId) {
        return store.get(claimUri(fileId)).map(b -> read(b, Claim.class));
    }

    public Optional<Stored<Claim>> storedClaimOf(String fileId) {
        return read(claimUri(fileId), Claim.class);
    }

    /**
     * Points a claim at another batch, only if it is still the claim read as {@code previous}: used when the
     * batch the claim named closed without the file (the claim landed after the batch's list was fixed).
     */
    public boolean reclaim(Stored<Claim> previous, Claim claim) {
        StoreUri at = claimUri(fileId(claim));
        byte[] content = write(claim);
        try {
            return store.replaceIfMatch(at, content, previous.etag()).isPresent();
        } catch (RuntimeException e) {
            Optional<Claim> stored = claimOf(fileId(claim));
            if (stored.isPresent() && stored.get().equals(claim)) {
                return true;
            }
            throw e;
        }
    }

    public void writeMember(Claim claim) {
        store.put(memberUri(claim.batchId(), fileId(claim)), write(claim));
    }

    // ---- batches ----------------------------------------------------------------------------------

    /** Creates a new batch's record; returns its ETag. */
    public String createBatch(BatchRecord batch) {
        StoreUri at = batchUri(batch.owner(), batch.batchId());
        byte[] content = write(batch);
        try {
            store.putIfAbsent(at, content);
        } catch (RuntimeException e) {
            Optional<Stored<BatchRecord>> stored = readBatch(batch.owner(), batch.batchId());
            if (stored.isEmpty() || !stored.get().value().equals(batch)) {
                throw e;
            }
        }
        return readBatch(batch.owner(), batch.batchId())
                .filter(r -> r.value().equals(batch))
                .orElseThrow(() -> new IllegalStateException("batch " + batch.batchId() + " changed as it was created"))
                .etag();
    }

    /**
     * Replaces a batch record only if it still has {@code etag}: the fence between an engine and a deposed
     * one. Returns the new ETag, or empty when another engine changed or removed the record.
     */
    public Optional<String> replaceBatch(BatchRecord batch, String etag) {
        StoreUri at = batchUri(batch.owner(), batch.batchId());
        try {
            return store.replaceIfMatch(at, write(batch), etag);
        } catch (RuntimeException e) {
            Optional<Stored<BatchRecord>> stored = readBatch(batch.owner(), batch.batchId());
            if (stored.isPresent() && stored.get().value().equals(batch)) {
                return Optional.of(stored.get().etag());
            }
            throw e;
        }
    }

    public Optional<Stored<BatchRecord>> readBatch(String owner, String batchId) {
        return read(batchUri(owner, batchId), BatchRecord.class);
    }

    /** Marks the batch sent; the caller then forgets it as open. */
    public void recordSent(SentRecord sent) {
        store.put(root.child("batches/sent/" + sent.batchId() + ".json"), write(sent));
    }

    /** Removes a batch's open record (after its sent record is written). */
    public void forget(String owner, String batchId) {
        store.delete(batchUri(owner, batchId));
    }

    /**
     * Ends a batch that ships nothing: a sent record without a manifest, then the open record removed. A
     * claim that names it later (a late write) is then known to be in no manifest and is claimed again.
     */
    public void abandonEmpty(String owner, String batchId, Instant now) {
        recordSent(new SentRecord(batchId, null, null, 0, 0, now));
        forget(owner, batchId);
    }

    public Optional<SentRecord> sentOf(String batchId) {
        return store.get(root.child("batches/sent/" + batchId + ".json")).map(b -> read(b, SentRecord.class));
    }

    /** Batches of this owner that were opened and not sent: what a restarted builder must finish. */
    public List<Stored<BatchRecord>> openBatches(String owner) {
        List<Stored<BatchRecord>> out = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list(root.child("batches/open/" + owner + "/"))) {
            read(o.location(), BatchRecord.class).ifPresent(out::add);
        }
        return out;
    }

    /** The ids of the files with a member record under the batch (one listing; claims not checked). */
    public List<String> memberIds(String batchId) {
        List<String> out = new ArrayList<>();
        StoreUri prefix = root.child("batches/members/" + batchId + "/");
        for (ObjectStore.ObjectInfo o : store.list(prefix)) {
            String name = o.location().key().substring(prefix.key().length());
            out.add(name.endsWith(".json") ? name.substring(0, name.length() - 5) : name);
        }
        return out;
    }

    /** The member record's file, if its claim names this batch. */
    public Optional<Claim> memberOf(String batchId, String fileId) {
        return store.get(memberUri(batchId, fileId)).map(b -> read(b, Claim.class))
                .flatMap(m -> claimOf(fileId(m)))
                .filter(c -> batchId.equals(c.batchId()));
    }

    /** The files that really belong to a batch: members whose claim names this batch. */
    public List<Claim> membersOf(String batchId) {
        List<Claim> out = new ArrayList<>();
        for (String id : memberIds(batchId)) {
            memberOf(batchId, id).ifPresent(out::add);
        }
        return out;
    }

    // ---- listing sweeps ----------------------------------------------------------------------------

    /** Where the named listing sweep stopped, if it ever ran. */
    public Optional<ListingSweep.Checkpoint> sweepCheckpoint(String name) {
        return store.get(root.child("sweeps/" + name + ".json")).map(b -> read(b, ListingSweep.Checkpoint.class));
    }

    /** Records where the named listing sweep is (last writer wins: a position is only a place to resume from). */
    public void recordSweepCheckpoint(String name, ListingSweep.Checkpoint checkpoint) {
        store.put(root.child("sweeps/" + name + ".json"), write(checkpoint));
    }

    private StoreUri claimUri(String fileId) {
        return root.child("files/" + fileId + ".json");
    }

    private StoreUri memberUri(String batchId, String fileId) {
        return root.child("batches/members/" + batchId + "/" + fileId + ".json");
    }

    private StoreUri termUri(String owner) {
        return root.child("terms/" + owner + ".json");
    }

    private <T> Optional<Stored<T>> read(StoreUri at, Class<T> type) {
        return store.read(at).map(v -> new Stored<>(read(v.content(), type), v.etag()));
    }

    private StoreUri batchUri(String owner, String batchId) {
        return root.child("batches/open/" + owner + "/" + batchId + ".json");
    }

    static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable ledger record of type " + type.getSimpleName(), e);
        }
    }
}
