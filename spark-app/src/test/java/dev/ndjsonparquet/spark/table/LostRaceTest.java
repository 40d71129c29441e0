package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race {@code ConcurrentCommitTest} can only hope for, made certain: between a driver's look at the table and its
 * commit, another driver commits (another manifest, or another attempt of the same one). The first commit loses the
 * catalog's compare-and-swap, Iceberg refreshes and tries again, and {@link ManifestAppends} checks again on the new
 * state: another manifest's append stays beside ours; the same manifest's append is the answer, not appended twice.
 */
class LostRaceTest {

    @TempDir
    Path dir;

    private final List<Catalog> catalogs = new ArrayList<>();

    @AfterEach
    void closeCatalogs() {
        catalogs.forEach(IcebergCatalogs::close);
    }

    @Test
    void aCommitThatLostTheRaceToAnotherManifestIsRetriedAndBothAppendsStay() {
        Table ours = table();
        Table theirs = table();
        AtomicInteger lost = new AtomicInteger();
        Table racing = racedBy(ours, lost, () -> ManifestAppends.appendOnce(theirs, "m-theirs", List.of(file(theirs, "t")), Map.of()));

        Snapshot s = ManifestAppends.appendOnce(racing, "m-ours", List.of(file(ours, "o")), Map.of());

        assertEquals(1, lost.get(), "our first commit lost the race");
        ours.refresh();
        assertEquals(s.snapshotId(), ours.currentSnapshot().snapshotId(), "the retry committed on the new state");
        assertEquals(1, IcebergFixture.snapshotsOf(ours, "m-ours").size());
        assertEquals(1, IcebergFixture.snapshotsOf(ours, "m-theirs").size());
        assertEquals(List.of(file(ours, "o").location(), file(ours, "t").location()), files(ours));
    }

    @Test
    void aCommitThatLostTheRaceToAnotherAttemptOfItsManifestAppendsNothing() {
        Table ours = table();
        Table other = table();
        AtomicInteger lost = new AtomicInteger();
        Table racing = racedBy(ours, lost, () -> ManifestAppends.appendOnce(other, "m-1", List.of(file(other, "attempt-2")), Map.of()));

        Snapshot s = ManifestAppends.appendOnce(racing, "m-1", List.of(file(ours, "attempt-1")), Map.of());

        assertEquals(1, lost.get(), "our first commit lost the race");
        ours.refresh();
        assertEquals(1, IcebergFixture.snapshotsOf(ours, "m-1").size(), "one append of the manifest");
        assertEquals(IcebergFixture.snapshotsOf(ours, "m-1").get(0).snapshotId(), s.snapshotId(), "the other attempt's is the answer");
        assertEquals(List.of(file(ours, "attempt-2").location()), files(ours));
    }

    /** {@code table}, whose first commit runs {@code competitor} first, so that it commits on a base no longer current. */
    private static Table racedBy(Table table, AtomicInteger lost, Runnable competitor) {
        TableOperations real = ((HasTableOperations) table).operations();
        AtomicInteger commits = new AtomicInteger();
        return new BaseTable(new ForwardingTableOperations(real) {
            @Override
            public void commit(TableMetadata base, TableMetadata metadata) {
                if (commits.getAndIncrement() == 0) {
                    competitor.run();
                }
                try {
                    delegate.commit(base, metadata);
                } catch (CommitFailedException e) {
                    lost.incrementAndGet();
                    throw e;
                }
            }
        }, table.name());
    }

    private Table table() {
        IcebergSettings s = IcebergFixture.localCatalog(dir, dir.resolve("warehouse").toUri().toString());
        Catalog c = IcebergCatalogs.load(s, new Configuration());
        catalogs.add(c);
        Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
        TableSetup.ensure(c, TableIdentifier.parse(IcebergFixture.TABLE), schema,
                IcebergSchemas.spec(schema, PartitionMode.parse("none")));
        return c.loadTable(TableIdentifier.parse(IcebergFixture.TABLE));
    }

    private DataFile file(Table t, String name) {
        return DataFiles.builder(t.spec()).withPath(dir.resolve(name + ".parquet").toUri().toString())
                .withFormat(FileFormat.PARQUET).withFileSizeInBytes(100).withRecordCount(1).build();
    }

    private static List<String> files(Table t) {
        List<String> out = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            tasks.forEach(task -> out.add(task.file().location()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.stream().sorted().toList();
    }
}
