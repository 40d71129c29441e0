package dev.ndjsonparquet.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.parquet.InternalReader;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;

/**
 * Compacts a table's small files (the bad-records table gets one tiny file per manifest): the current snapshot's files
 * below the target size are packed, per partition, into groups of at most the target size, and each group of two or
 * more is read and written again as one file under {@code <data>/compacted/run=<uuid>/}, then swapped in by one
 * rewrite commit. A rewrite changes which files hold the rows, never the rows: every row is copied as it is
 * (duplicates included), the count written is checked against the files' record counts before the commit, and the
 * commit is validated against the snapshot the files were read from, so a concurrent change to those files makes it
 * fail rather than lose or double a row. The appends' snapshots stay in the history (the rewrite's parent chain), so
 * the exactly-once check still finds them. Iceberg's {@code RewriteDataFiles} exists only for Spark and Flink.
 *
 * @param smallFiles   files below the target size before
 * @param rewritten    files replaced
 * @param written      files written in their place
 * @param rows         rows copied
 */
public record SmallFileCompaction(int smallFiles, int rewritten, int written, long rows) {

    public static SmallFileCompaction compact(Table table, long targetBytes) {
        return compact(table, targetBytes, () -> { });
    }

    /** For tests: {@code beforeCommit} runs after the files are written and before the rewrite commits. */
    static SmallFileCompaction compact(Table table, long targetBytes, Runnable beforeCommit) {
        table.refresh();
        if (table.currentSnapshot() == null) {
            return new SmallFileCompaction(0, 0, 0, 0);
        }
        long snapshotId = table.currentSnapshot().snapshotId();
        Map<String, List<DataFile>> byPartition = new LinkedHashMap<>();
        int small = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshotId).planFiles()) {
            for (FileScanTask t : tasks) {
                DataFile f = t.file();
                if (f.fileSizeInBytes() < targetBytes && f.format() == FileFormat.PARQUET && t.deletes().isEmpty()) {
                    small++;
                    PartitionSpec spec = table.specs().get(f.specId());
                    byPartition.computeIfAbsent(f.specId() + "/" + spec.partitionToPath(f.partition()), k -> new ArrayList<>()).add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<List<DataFile>> groups = new ArrayList<>();
        for (List<DataFile> files : byPartition.values()) {
            groups.addAll(pack(files, targetBytes));
        }
        Set<DataFile> replaced = new HashSet<>();
        List<DataFile> added = new ArrayList<>();
        long rows = 0;
        String dir = OrphanFiles.dataLocation(table) + "/compacted/run=" + UUID.randomUUID();
        try {
            for (List<DataFile> g : groups) {
                DataFile out = rewrite(table, g, dir);
                added.add(out);
                replaced.addAll(g);
                rows += out.recordCount();
            }
            if (added.isEmpty()) {
                return new SmallFileCompaction(small, 0, 0, 0);
            }
            beforeCommit.run();
            RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(snapshotId)
                    .set(SnapshotSummaries.MAINTENANCE, "compaction");
            replaced.forEach(rewrite::deleteFile);
            added.forEach(rewrite::addFile);
            rewrite.commit();
        } catch (CommitStateUnknownException e) {
            throw e; // the new files may be committed: leave them (orphans of an old run if not)
        } catch (RuntimeException e) {
            added.forEach(f -> table.io().deleteFile(f.location()));
            throw e;
        }
        table.refresh();
        return new SmallFileCompaction(small, replaced.size(), added.size(), rows);
    }

    /** Groups of two or more files, each at most {@code targetBytes} in total, in the order given (pure). */
    static List<List<DataFile>> pack(List<DataFile> files, long targetBytes) {
        List<List<DataFile>> groups = new ArrayList<>();
        List<DataFile> current = new ArrayList<>();
        long bytes = 0;
        for (DataFile f : files) {
            if (!current.isEmpty() && bytes + f.fileSizeInBytes() > targetBytes) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(f);
            bytes += f.fileSizeInBytes();
        }
        groups.add(current);
        return groups.stream().filter(g -> g.size() >= 2).toList();
    }

    private static DataFile rewrite(Table table, List<DataFile> group, String dir) {
        Schema schema = table.schema();
        String mappingJson = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
        NameMapping mapping = mappingJson == null ? null : NameMappingParser.fromJson(mappingJson);
        OutputFile out = table.io().newOutputFile(dir + "/" + UUID.randomUUID() + ".parquet");
        long expected = group.stream().mapToLong(DataFile::recordCount).sum();
        long copied = 0;
        FileAppender<StructLike> appender;
        try {
            appender = Parquet.write(out).schema(schema).forTable(table)
                    .createWriterFunc(type -> InternalWriter.<StructLike>createWriter(schema, type)).overwrite().build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.location(), e);
        }
        try (FileAppender<StructLike> a = appender) {
            for (DataFile f : group) {
                Parquet.ReadBuilder read = Parquet.read(table.io().newInputFile(f.location(), f.fileSizeInBytes()))
                        .project(schema).createReaderFunc(type -> InternalReader.<StructLike>create(schema, type));
                if (mapping != null) {
                    read = read.withNameMapping(mapping);
                }
                try (CloseableIterable<StructLike> rows = read.build()) {
                    for (StructLike row : rows) {
                        a.add(row);
                        copied++;
                    }
                }
            }
        } catch (IOException e) {
            table.io().deleteFile(out.location());
            throw new UncheckedIOException("cannot compact into " + out.location(), e);
        }
        if (copied != expected) {
            table.io().deleteFile(out.location());
            throw new IllegalStateException("compaction read " + copied + " rows from " + group.size()
                    + " files whose metadata counts " + expected + "; nothing was changed");
        }
        PartitionSpec spec = table.specs().get(group.get(0).specId());
        return DataFiles.builder(spec).withPath(out.location()).withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(appender.length()).withMetrics(appender.metrics())
                .withSplitOffsets(appender.splitOffsets()).withPartition(group.get(0).partition()).build();
    }
}
