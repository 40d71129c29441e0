package dev.ndjsonparquet.spark.table;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * Appends one manifest's files to a table exactly once. The snapshot summary carries the manifest id. Before
 * each try of the commit (Iceberg retries a commit that lost a race with another writer, on the table as it
 * is then) the table's current history is checked for that id: if another attempt of the same manifest got
 * there first, nothing is committed and its snapshot is the answer. The check sits in the table operations'
 * {@code commit}, so it also runs on every retry Iceberg makes inside {@code commit()}, and the catalog's
 * compare-and-swap on the metadata location makes check and commit one step.
 */
public final class ManifestAppends {

    /** Snapshot summary property holding the manifest id. */
    public static final String MANIFEST_ID = "ndjson-parquet.manifest-id";

    private ManifestAppends() {
    }

    /** The snapshot of the table's current history that appended this manifest, if any. */
    public static Optional<Snapshot> committed(Table table, String manifestId) {
        return committed(((HasTableOperations) table).operations().current(), manifestId);
    }

    static Optional<Snapshot> committed(TableMetadata metadata, String manifestId) {
        Snapshot s = metadata.currentSnapshot();
        while (s != null) {
            if (manifestId.equals(s.summary().get(MANIFEST_ID))) {
                return Optional.of(s);
            }
            s = s.parentId() == null ? null : metadata.snapshot(s.parentId());
        }
        return Optional.empty();
    }

    /**
     * Appends the files under the manifest id, or finds the earlier append of the same manifest; returns the
     * snapshot that holds them. {@code summary} goes into the snapshot summary.
     */
    public static Snapshot appendOnce(Table table, String manifestId, List<DataFile> files, Map<String, String> summary) {
        table.refresh();
        Optional<Snapshot> earlier = committed(table, manifestId);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        TableOperations ops = ((HasTableOperations) table).operations();
        Table guarded = new BaseTable(new OnceOperations(ops, manifestId), table.name());
        AppendFiles append = guarded.newFastAppend();
        files.forEach(append::appendFile);
        summary.forEach(append::set);
        append.set(MANIFEST_ID, manifestId);
        try {
            append.commit();
        } catch (AlreadyCommitted e) {
            // Another attempt of this manifest committed between our check and our try: that one counts.
        } catch (CommitStateUnknownException e) {
            table.refresh();
            return committed(table, manifestId).orElseThrow(() -> e);
        }
        table.refresh();
        return committed(table, manifestId).orElseThrow(
                () -> new IllegalStateException("manifest " + manifestId + " committed, yet not in " + table.name()));
    }

    /** Thrown instead of committing a second append of a manifest; Iceberg does not retry it. */
    static final class AlreadyCommitted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AlreadyCommitted(String manifestId, long snapshotId) {
            super("manifest " + manifestId + " is already committed in snapshot " + snapshotId);
        }
    }

    /** The table's operations, refusing a commit whose base already holds the manifest. */
    private static final class OnceOperations implements TableOperations {
        private final TableOperations delegate;
        private final String manifestId;

        OnceOperations(TableOperations delegate, String manifestId) {
            this.delegate = delegate;
            this.manifestId = manifestId;
        }

        @Override
        public void commit(TableMetadata base, TableMetadata metadata) {
            Optional<Snapshot> earlier = committed(base, manifestId);
            if (earlier.isPresent()) {
                throw new AlreadyCommitted(manifestId, earlier.get().snapshotId());
            }
            delegate.commit(base, metadata);
        }

        @Override
        public TableMetadata current() {
            return delegate.current();
        }

        @Override
        public TableMetadata refresh() {
            return delegate.refresh();
        }

        @Override
        public FileIO io() {
            return delegate.io();
        }

        @Override
        public EncryptionManager encryption() {
            return delegate.encryption();
        }

        @Override
        public String metadataFileLocation(String fileName) {
            return delegate.metadataFileLocation(fileName);
        }

        @Override
        public LocationProvider locationProvider() {
            return delegate.locationProvider();
        }

        @Override
        public long newSnapshotId() {
            return delegate.newSnapshotId();
        }

        @Override
        public boolean requireStrictCleanup() {
            return delegate.requireStrictCleanup();
        }
    }
}
