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
 *   files/&lt;file-id&gt;.json                 claim: created once with put-if-absent; names the batch
 *   batches/open/&lt;owner&gt;/&lt;batch&gt;.json  a batch that has not reached the manifest queue yet
 *   batches/members/&lt;batch&gt;/&lt;file-id&gt;  intent: written before the claim, valid only if the claim names this batch
 *   batches/sent/&lt;batch&gt;.json           the manifest a batch became, once its message was sent
 * </pre>
 * The file id is a SHA-256 of bucket, key and ETag (the version id only when no ETag is known):
 * listings do not return version ids, so keying on the ETag keeps events and listings in agreement.
 */
public final class Ledger {

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** One file claimed for one batch. */
    public record Claim(String bucket, String key, String etag, String versionId, long size, String uri,
                        String batchId, Instant claimedAt) {
    }

    /** A batch that has not been sent yet; closed once its manifest id and creation time are fixed. */
    public record BatchRecord(String batchId, String owner, Instant openedAt, Instant closedAt, String manifestId,
                              String closeReason) {
        public boolean closed() {
            return closedAt != null;
        }
    }

    /** A batch that became a manifest and reached the manifest queue. */
    public record SentRecord(String batchId, String manifestId, String manifestUri, int fileCount, long totalBytes,
                             Instant sentAt) {
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

    /** True when this call made the claim; false when the file was already claimed (by any batch). */
    public boolean claim(Claim claim) {
        return store.putIfAbsent(claimUri(fileId(claim)), write(claim));
    }

    public Optional<Claim> claimOf(String fileId) {
        return store.get(claimUri(fileId)).map(b -> read(b, Claim.class));
    }

    public boolean isClaimed(String fileId) {
        return store.head(claimUri(fileId)).isPresent();
    }

    public void writeMember(Claim claim) {
        store.put(root.child("batches/members/" + claim.batchId() + "/" + fileId(claim) + ".json"), write(claim));
    }

    public void writeBatch(BatchRecord batch) {
        store.put(batchUri(batch.owner(), batch.batchId()), write(batch));
    }

    /** Marks the batch sent, then forgets it as open. */
    public void markSent(String owner, SentRecord sent) {
        store.put(root.child("batches/sent/" + sent.batchId() + ".json"), write(sent));
        store.delete(batchUri(owner, sent.batchId()));
    }

    public void forget(String owner, String batchId) {
        store.delete(batchUri(owner, batchId));
    }

    public Optional<SentRecord> sentOf(String batchId) {
        return store.get(root.child("batches/sent/" + batchId + ".json")).map(b -> read(b, SentRecord.class));
    }

    /** Batches of this owner that were opened and not sent: what a restarted builder must finish. */
    public List<BatchRecord> openBatches(String owner) {
        List<BatchRecord> out = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list(root.child("batches/open/" + owner + "/"))) {
            store.get(o.location()).ifPresent(b -> out.add(read(b, BatchRecord.class)));
        }
        return out;
    }

    /** The files that really belong to a batch: members whose claim names this batch. */
    public List<Claim> membersOf(String batchId) {
        List<Claim> out = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list(root.child("batches/members/" + batchId + "/"))) {
            Optional<Claim> member = store.get(o.location()).map(b -> read(b, Claim.class));
            member.flatMap(m -> claimOf(fileId(m)))
                    .filter(c -> batchId.equals(c.batchId()))
                    .ifPresent(out::add);
        }
        return out;
    }

    private StoreUri claimUri(String fileId) {
        return root.child("files/" + fileId + ".json");
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
