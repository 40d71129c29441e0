package dev.ndjsonparquet.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Removes the files of dead runs under a table's data location that no snapshot references ({@link OrphanRuns}
 * decides which). Iceberg's {@code DeleteOrphanFiles} exists only for Spark and Flink; this lists the data location
 * through the table's own FileIO and reads the manifests of every snapshot still in the table.
 *
 * @param listed        files found under the data location
 * @param removed       files deleted
 * @param bytesRemoved  their bytes
 * @param runsRemoved   run directories emptied
 * @param runsKeptYoung run directories with unreferenced files kept (the run may be alive)
 */
public record OrphanFiles(int listed, int removed, long bytesRemoved, int runsRemoved, int runsKeptYoung) {

    /** Lists, decides and deletes; the table is refreshed first, so a commit made before the listing is seen. */
    public static OrphanFiles remove(Table table, Instant now, Duration safeAge) {
        if (!(table.io() instanceof SupportsPrefixOperations io)) {
            throw new IllegalStateException("the FileIO of " + table.name() + " (" + table.io().getClass().getName()
                    + ") cannot list files; orphan files cannot be found");
        }
        table.refresh();
        Set<String> referenced = referenced(table);
        String root = dataLocation(table);
        List<OrphanRuns.Listed> listed = new ArrayList<>();
        try {
            for (FileInfo f : io.listPrefix(root)) {
                listed.add(new OrphanRuns.Listed(f.location(), f.size(), Instant.ofEpochMilli(f.createdAtMillis())));
            }
        } catch (UncheckedIOException e) {
            // A file system (not S3) says so when nothing was written yet: no directory, no orphans.
            if (!(e.getCause() instanceof java.io.FileNotFoundException)) {
                throw e;
            }
        }
        OrphanRuns.Decision d = OrphanRuns.decide(listed, referenced, now, safeAge);
        for (OrphanRuns.Listed f : d.remove()) {
            table.io().deleteFile(f.location());
        }
        return new OrphanFiles(listed.size(), d.remove().size(), d.bytes(), d.runsRemoved(), d.runsKeptYoung());
    }

    /** Where the table's data files are written ({@code write.data.path}, else {@code <location>/data}). */
    public static String dataLocation(Table table) {
        return table.properties().getOrDefault(TableProperties.WRITE_DATA_LOCATION, table.location() + "/data");
    }

    /** Every data and delete file any snapshot still in the table references, normalized. */
    static Set<String> referenced(Table table) {
        Set<String> manifests = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (Snapshot s : table.snapshots()) {
            for (ManifestFile m : s.allManifests(table.io())) {
                if (!manifests.add(m.path())) {
                    continue;
                }
                try (ManifestReader<? extends ContentFile<?>> r = m.content() == org.apache.iceberg.ManifestContent.DATA
                        ? ManifestFiles.read(m, table.io(), table.specs())
                        : ManifestFiles.readDeleteManifest(m, table.io(), table.specs())) {
                    for (ContentFile<?> f : r) {
                        files.add(Locations.normalize(f.location()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read manifest " + m.path(), e);
                }
            }
        }
        return files;
    }
}
