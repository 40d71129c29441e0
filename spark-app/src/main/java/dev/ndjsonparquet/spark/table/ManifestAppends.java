package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.SnapshotSummaries;
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
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.Schema;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.exceptions.CommitStateUnknownException;

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
    public static final String MANIFEST_ID = SnapshotSummaries.MANIFEST_ID;

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
            return settled(table, manifestId, e);
        }
        return settled(table, manifestId, null);
    }

    /**
     * The manifest's snapshot read back after a commit: after {@code unknown} (the catalog did not answer), its absence
     * means the commit did not take effect and {@code unknown} is thrown; after a commit that returned, it must be there.
     */
    private static Snapshot settled(Table table, String manifestId, CommitStateUnknownException unknown) {
        table.refresh();
        Optional<Snapshot> s = committed(table, manifestId);
        if (s.isPresent()) {
            return s.get();
        }
        throw unknown != null ? unknown
                : new IllegalStateException("manifest " + manifestId + " committed, yet not in " + table.name());
    }

    /**
     * As {@link #appendOnce(Table, String, List, Map)}, and the table's schema becomes {@code planned} in the same
     * transaction (columns added at any depth, types widened; the name mapping follows), so that no reader sees the
     * new columns without the rows or the rows without the columns. {@code planned} is the schema whose field ids the
     * files carry ({@link TableSetup#planned}); when it already is the table's schema this is a plain append.
     * A transaction that changes the schema is not retried by Iceberg on the new table state; it is retried here,
     * as long as evolving the table as it now is gives every column the id the files carry. Another manifest's schema
     * change in between (its new columns took those ids) stops the run with {@link SchemaRaceException}: the files are
     * not committed, and the dispatcher's retry writes them again with the ids as they then are.
     */
    public static Snapshot appendOnce(Table table, String manifestId, List<DataFile> files, Map<String, String> summary,
                                      Schema wanted, Schema planned) {
        table.refresh();
        if (planned.sameSchema(table.schema()) && planned.schemaId() == table.schema().schemaId()) {
            return appendOnce(table, manifestId, files, summary);
        }
        TableOperations ops = ((HasTableOperations) table).operations();
        for (int attempt = 1; ; attempt++) {
            Optional<Snapshot> earlier = committed(table, manifestId);
            if (earlier.isPresent()) {
                return earlier.get();
            }
            Schema now = TableSetup.planned(table, wanted);
            List<String> moved = movedIds(planned, now);
            if (!moved.isEmpty()) {
                throw new SchemaRaceException(manifestId, table.name(), moved);
            }
            Table guarded = new BaseTable(new OnceOperations(ops, manifestId), table.name());
            Transaction tx = guarded.newTransaction();
            if (!TableSetup.covers(table.schema(), wanted)) {
                tx.updateSchema().unionByNameWith(wanted).commit();
            }
            tx.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING,
                    NameMappingParser.toJson(MappingUtil.create(now))).commit();
            AppendFiles append = tx.newFastAppend();
            files.forEach(append::appendFile);
            summary.forEach(append::set);
            append.set(MANIFEST_ID, manifestId);
            append.commit();
            try {
                tx.commitTransaction();
            } catch (AlreadyCommitted e) {
                // Another attempt of this manifest committed between our check and our try: that one counts.
            } catch (CommitFailedException e) {
                if (attempt >= EVOLVING_ATTEMPTS) {
                    throw e;
                }
                // Another writer committed first: look again at the table as it now is.
                pause(attempt);
                table.refresh();
                continue;
            } catch (CommitStateUnknownException e) {
                return settled(table, manifestId, e);
            }
            return settled(table, manifestId, null);
        }
    }

    private static final int EVOLVING_ATTEMPTS = 30;

    /** Columns of {@code planned} whose id differs in {@code now} (by full name). */
    static List<String> movedIds(Schema planned, Schema now) {
        List<String> moved = new java.util.ArrayList<>();
        for (Map.Entry<String, Integer> e : TypeUtil.indexByName(planned.asStruct()).entrySet()) {
            Integer id = now.findField(e.getKey()) == null ? null : now.findField(e.getKey()).fieldId();
            if (!e.getValue().equals(id)) {
                moved.add(e.getKey());
            }
        }
        return moved;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(20, 50L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Another manifest changed the table's schema after this run planned its field ids: the run's files carry ids
     * that now belong to other columns. Nothing is committed; a retry of the manifest writes its files again.
     */
    public static final class SchemaRaceException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        SchemaRaceException(String manifestId, String table, List<String> columns) {
            super("manifest " + manifestId + ": another manifest changed the schema of " + table + " while this run "
                    + "wrote its files; the field ids of " + columns + " changed, so the files are not committed (the "
                    + "manifest's retry writes them again)");
        }
    }

    /** Thrown instead of committing a second append of a manifest; Iceberg does not retry it. */
    static final class AlreadyCommitted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AlreadyCommitted(String manifestId, long snapshotId) {
            super("manifest " + manifestId + " is already committed in snapshot " + snapshotId);
        }
    }

    /** The table's operations, refusing a commit whose base already holds the manifest. */
    private static final class OnceOperations extends ForwardingTableOperations {
        private final String manifestId;

        OnceOperations(TableOperations delegate, String manifestId) {
            super(delegate);
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
    }
}
