package dev.ndjsonparquet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of dead runs that no snapshot references are removed once old; a running attempt's files (one of them
 * written just now) and a young dead run's are kept, and so is every committed file.
 */
class OrphanFilesTest {

    private static final Duration SAFE_AGE = Duration.ofDays(2);

    @TempDir
    Path dir;

    @Test
    void deadRunsGoRunningAndYoungRunsStay() throws Exception {
        Catalog c = IcebergCatalogs.loadOutsideSpark(LocalTables.settings(dir), null);
        try {
            Table t = LocalTables.create(c, LocalTables.TABLE, LocalTables.BAD_RECORDS);
            Instant now = Instant.now();
            Instant old = now.minus(Duration.ofDays(10));
            DataFile committed = LocalTables.append(t, "m-1", 0, 5);
            LocalTables.append(t, "m-2", 100, 5);
            age(committed.location(), old);
            // Spark's marker beside a committed run's file: unreferenced, and old.
            Path marker = local(committed.location()).resolveSibling("_SUCCESS");
            Files.writeString(marker, "");
            Files.setLastModifiedTime(marker, FileTime.from(old));
            // A dead attempt of m-1 (overtaken, killed): two old files nobody committed.
            DataFile dead1 = LocalTables.writeRun(t, "m-1", "dead", 0, 5);
            DataFile dead2 = LocalTables.writeRun(t, "m-1", "dead", 5, 5);
            age(dead1.location(), old);
            age(dead2.location(), old);
            // A running attempt of m-3: its first file is old, its latest was written just now.
            DataFile running1 = LocalTables.writeRun(t, "m-3", "running", 0, 5);
            DataFile running2 = LocalTables.writeRun(t, "m-3", "running", 5, 5);
            age(running1.location(), old);
            // A dead attempt younger than the safe age: kept until it is old.
            DataFile young = LocalTables.writeRun(t, "m-4", "young", 0, 5);
            age(young.location(), now.minus(Duration.ofDays(1)));
            List<String> before = LocalTables.rows(t);

            OrphanFiles r = OrphanFiles.remove(t, now, SAFE_AGE);

            assertEquals(3, r.removed(), "the dead run's two files and the committed run's marker");
            assertEquals(1, r.runsRemoved());
            assertEquals(2, r.runsKeptYoung(), "the running attempt and the young dead one");
            assertFalse(Files.exists(local(dead1.location())));
            assertFalse(Files.exists(local(dead2.location())));
            assertFalse(Files.exists(marker));
            for (DataFile kept : List.of(running1, running2, young, committed)) {
                assertTrue(Files.exists(local(kept.location())), kept.location());
            }
            assertEquals(before, LocalTables.rows(t), "every committed row still reads");
            assertEquals(10, before.size());
            // Three days on, with no new file from either, both count as dead: the running attempt's two files and
            // the young run's one go.
            assertEquals(3, OrphanFiles.remove(t, now.plus(Duration.ofDays(3)), SAFE_AGE).removed());
            assertEquals(before, LocalTables.rows(t));
        } finally {
            IcebergCatalogs.close(c);
        }
    }

    @Test
    void aTableWithoutDataHasNoOrphans() {
        Catalog c = IcebergCatalogs.loadOutsideSpark(LocalTables.settings(dir), null);
        try {
            Table t = LocalTables.create(c, LocalTables.TABLE, LocalTables.BAD_RECORDS);
            assertEquals(new OrphanFiles(0, 0, 0, 0, 0), OrphanFiles.remove(t, Instant.now(), SAFE_AGE));
        } finally {
            IcebergCatalogs.close(c);
        }
    }

    private static Path local(String location) {
        return Path.of(URI.create(location.startsWith("file:") ? location : "file:" + location));
    }

    private static void age(String location, Instant at) throws Exception {
        Files.setLastModifiedTime(local(location), FileTime.from(at));
    }
}
