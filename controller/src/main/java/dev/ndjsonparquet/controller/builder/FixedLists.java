package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.builder.Ledger.BatchRecord;
import dev.ndjsonparquet.controller.builder.Ledger.Claim;
import dev.ndjsonparquet.controller.builder.Ledger.SentRecord;
import dev.ndjsonparquet.controller.builder.Ledger.Stored;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the ledger says a batch's files are once its list is fixed: the closing record's list, the sent
 * manifest's files, or nothing for a batch that ended empty. A duplicate is settled only when the list of the
 * batch its claim names includes the file. Lists of recent batches are remembered (they never change).
 */
final class FixedLists {

    private static final int REMEMBERED = 1024;

    /** A batch's fixed file URIs; {@code uris} null when the ledger cannot tell any more (history removed). */
    record Fixed(Set<String> uris) {
    }

    private final Ledger ledger;
    private final ObjectStore store;
    private final String owner;
    private final Map<String, Set<String>> remembered = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > REMEMBERED;
        }
    };

    FixedLists(Ledger ledger, ObjectStore store, String owner) {
        this.ledger = ledger;
        this.store = store;
        this.owner = owner;
    }

    void remember(String batchId, Set<String> uris) {
        remembered.put(batchId, Set.copyOf(uris));
    }

    Set<String> remembered(String batchId) {
        return remembered.get(batchId);
    }

    /** The fixed list of the claim's batch (closed, sent or ended empty), or null while the batch is open. */
    Fixed of(Claim claim) {
        String batchId = claim.batchId();
        Set<String> known = remembered.get(batchId);
        if (known != null) {
            return new Fixed(known);
        }
        Fixed fixed;
        Optional<SentRecord> sent = ledger.sentOf(batchId);
        if (sent.isPresent()) {
            fixed = sent.get().manifestUri() == null ? new Fixed(Set.of())
                    : new Fixed(store.get(StoreUri.parse(sent.get().manifestUri()))
                            .map(b -> ManifestCodec.decode(b).files().stream().map(ManifestFile::uri).collect(Collectors.toSet()))
                            .orElse(null));
        } else {
            String batchOwner = claim.owner() == null ? owner : claim.owner();
            Optional<Stored<BatchRecord>> record = ledger.readBatch(batchOwner, batchId);
            if (record.isPresent() && record.get().value().closed() && record.get().value().files() != null) {
                fixed = new Fixed(record.get().value().files().stream().map(Claim::uri).collect(Collectors.toSet()));
            } else if (record.isPresent()) {
                return null; // still open (or closed before lists were recorded: rebuilt when shipped)
            } else if (ledger.sentOf(batchId).isPresent()) {
                return of(claim); // shipped between the two reads
            } else {
                fixed = new Fixed(null); // no trace of the batch any more
            }
        }
        if (fixed.uris() != null && !fixed.uris().isEmpty()) {
            remember(batchId, fixed.uris());
        }
        return fixed;
    }
}
