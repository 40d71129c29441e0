package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit whose answer is lost (a Glue or REST catalog timing out after it swapped the metadata): Iceberg reports
 * {@link CommitStateUnknownException}. {@link ManifestAppends} must then look, not guess: the append that took effect
 * is found and not made again; one that did not take effect is reported, and the run's retry appends it once.
 */
class AmbiguousCommitTest {

    @TempDir
    Path dir;

    /** Open for the whole test: the JDBC catalog's tables read through its connection pool. */
    private Catalog catalog;

    @AfterEach
    void closeCatalog() {
        if (catalog != null) {
            IcebergCatalogs.close(catalog);
        }
    }

    @Test
    void aCommitThatTookEffectThenLostItsAnswerIsFoundAndNotAppendedAgain() {
        Table table = table();
        AtomicInteger commits = new AtomicInteger();
        Table ambiguous = wrapped(table, commits, true);

        Snapshot s = ManifestAppends.appendOnce(ambiguous, "m-1", List.of(file(table, "a")), Map.of());
        assertEquals(1, commits.get(), "the commit reached the catalog once");

        table.refresh();
        assertEquals(s.snapshotId(), table.currentSnapshot().snapshotId());
        assertEquals(1, snapshotsOf(table, "m-1"), "one append of the manifest");
        // The run's retry (the driver saw an error before its result record) finds it too.
        Snapshot again = ManifestAppends.appendOnce(table, "m-1", List.of(file(table, "a-retry")), Map.of());
        assertEquals(s.snapshotId(), again.snapshotId());
        table.refresh();
        assertEquals(1, snapshotsOf(table, "m-1"));
        assertEquals(1, DataFileCount.of(table));
    }

    @Test
    void aCommitThatDidNotTakeEffectIsReportedAndTheRetryAppendsOnce() {
        Table table = table();
        AtomicInteger commits = new AtomicInteger();
        Table ambiguous = wrapped(table, commits, false);

        assertThrows(CommitStateUnknownException.class,
                () -> ManifestAppends.appendOnce(ambiguous, "m-2", List.of(file(table, "b")), Map.of()));
        table.refresh();
        assertEquals(0, snapshotsOf(table, "m-2"), "nothing was appended");

        ManifestAppends.appendOnce(table, "m-2", List.of(file(table, "b-retry")), Map.of());
        table.refresh();
        assertEquals(1, snapshotsOf(table, "m-2"));
        assertEquals(1, DataFileCount.of(table));
    }

    private Table table() {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
        catalog = IcebergCatalogs.load(s, new Configuration());
        TableSetup.ensure(catalog, TableIdentifier.parse(IcebergFixture.TABLE), schema,
                IcebergSchemas.spec(schema, PartitionMode.parse("none")));
        return catalog.loadTable(TableIdentifier.parse(IcebergFixture.TABLE));
    }

    private static long snapshotsOf(Table t, String manifestId) {
        return IcebergFixture.snapshotsOf(t, manifestId).size();
    }

    private DataFile file(Table t, String name) {
        return DataFiles.builder(t.spec()).withPath(dir.resolve(name + ".parquet").toUri().toString())
                .withFormat(FileFormat.PARQUET).withFileSizeInBytes(100).withRecordCount(1).build();
    }

    /** The table behind operations whose commit answers "state unknown", after ({@code applied}) or before it swaps. */
    private static Table wrapped(Table table, AtomicInteger commits, boolean applied) {
        TableOperations real = ((HasTableOperations) table).operations();
        return new BaseTable(new LostAnswer(real, commits, applied), table.name());
    }

    /** Counts the data files of the table's current state. */
    private static final class DataFileCount {
        static int of(Table t) {
            int n = 0;
            try (var tasks = t.newScan().planFiles()) {
                for (var ignored : tasks) {
                    n++;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return n;
        }
    }

    private static final class LostAnswer extends ForwardingTableOperations {
        private final AtomicInteger commits;
        private final boolean applied;

        LostAnswer(TableOperations delegate, AtomicInteger commits, boolean applied) {
            super(delegate);
            this.commits = commits;
            this.applied = applied;
        }

        @Override
        public void commit(TableMetadata base, TableMetadata metadata) {
            if (applied) {
                delegate.commit(base, metadata);
                commits.incrementAndGet();
            }
            throw new CommitStateUnknownException(new RuntimeException("the catalog's answer was lost"));
        }
    }
}
