package dev.ndjsonparquet.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.tables.IcebergCatalogs;
import dev.ndjsonparquet.tables.LocalTables;
import dev.ndjsonparquet.tables.SnapshotSummaries;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code maintain} end to end on a local catalog, as the controller image runs it: both tables as the Spark
 * application leaves them (one append per manifest, a manifest committed without its result record, a dead run's
 * files, a running attempt's), maintained long after; then the tables are read back.
 */
class MaintainCommandTest {

    @TempDir
    Path dir;

    @Test
    void maintainsBothTablesAndEveryRowReadsBack() throws Exception {
        IcebergSettings s = LocalTables.settings(dir);
        Path out = Files.createDirectories(dir.resolve("out/_results"));
        Instant later = Instant.now().plus(Duration.ofDays(400));
        DataFile dead;
        DataFile running;
        Catalog c = IcebergCatalogs.loadOutsideSpark(s, null);
        try {
            Table events = LocalTables.create(c, LocalTables.TABLE, LocalTables.BAD_RECORDS);
            Table bad = LocalTables.create(c, LocalTables.BAD_TABLE, LocalTables.BAD_RECORDS);
            for (int m = 0; m < 5; m++) {
                LocalTables.append(events, "m-" + m, m * 100, 20);
                LocalTables.append(bad, "m-" + m, m * 100, 2);
                if (m != 3) { // m-3's run died between its commits and its result record
                    Files.writeString(out.resolve("m-" + m + ".json"), "{}");
                }
            }
            dead = LocalTables.writeRun(events, "m-9", "dead", 0, 20);
            running = LocalTables.writeRun(events, "m-10", "running", 0, 20);
            // Long after the commits (the clock below), the running attempt has just written its file.
            Files.setLastModifiedTime(local(running.location()), FileTime.from(later.minus(Duration.ofHours(1))));
        } finally {
            IcebergCatalogs.close(c);
        }
        List<String> eventsBefore = rows(s, LocalTables.TABLE);
        List<String> badBefore = rows(s, LocalTables.BAD_TABLE);

        Map<String, String> env = env(s);
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = run(env, later, stdout, stderr);

        assertEquals(0, exit, stderr.toString());
        String printed = stdout.toString();
        assertTrue(printed.contains("lake.events: metadata clean-up switched on (previous-versions-max 20)"), printed);
        assertTrue(printed.contains("snapshots: 3 expired"), printed);
        assertTrue(printed.contains("1 kept for manifests without a result record: m-3"), printed);
        assertTrue(printed.contains("manifests: 5 -> 1"), printed);
        assertTrue(printed.contains("orphan files: 1 removed"), printed);
        assertTrue(printed.contains("1 run directories kept"), printed);
        assertTrue(printed.contains("lake.bad_records: metadata clean-up switched on"), printed);
        assertTrue(printed.contains("small files: 5 compacted into 1 (10 rows)"), printed);

        assertEquals(eventsBefore, rows(s, LocalTables.TABLE), "every row of the table reads back");
        assertEquals(100, eventsBefore.size());
        assertEquals(badBefore, rows(s, LocalTables.BAD_TABLE), "every bad record reads back after compaction");
        assertEquals(10, badBefore.size());
        assertFalse(Files.exists(local(dead.location())), "the dead run's file is removed");
        assertTrue(Files.exists(local(running.location())), "the running attempt's file is kept");
        c = IcebergCatalogs.loadOutsideSpark(s, null);
        try {
            Table events = c.loadTable(TableIdentifier.parse(LocalTables.TABLE));
            assertEquals("true", events.properties().get(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED));
            assertEquals("20", events.properties().get(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX));
            List<String> appended = new ArrayList<>();
            for (Snapshot snap : events.snapshots()) {
                String id = snap.summary().get(SnapshotSummaries.MANIFEST_ID);
                if (id != null) {
                    appended.add(id);
                }
            }
            assertEquals(List.of("m-3", "m-4"), appended, "m-3's snapshot outlives expiry: a redrive finds its append");
        } finally {
            IcebergCatalogs.close(c);
        }

        // A second pass finds nothing more to do and says so.
        StringWriter again = new StringWriter();
        assertEquals(0, run(env, later, again, new StringWriter()));
        assertTrue(again.toString().contains("metadata clean-up already on"), again.toString());
        assertTrue(again.toString().contains("small files: 1, none to compact"), again.toString());
        assertTrue(again.toString().contains("orphan files: 0 removed"), again.toString());
        assertEquals(badBefore, rows(s, LocalTables.BAD_TABLE));
    }

    @Test
    void tablesNotCreatedYetAreNothingToDo() {
        StringWriter stdout = new StringWriter();
        assertEquals(0, run(env(LocalTables.settings(dir)), Instant.now(), stdout, new StringWriter()));
        assertTrue(stdout.toString().contains("lake.events: does not exist yet, nothing to do"), stdout.toString());
    }

    @Test
    void invalidSettingsFailAtStartListingEveryProblem() {
        Map<String, String> env = env(LocalTables.settings(dir));
        env.remove("ICEBERG_CATALOG_URI");
        env.put("SNAPSHOT_RETENTION_HOURS", "24");
        env.put("ORPHAN_FILE_AGE_HOURS", "2");
        env.put("MANIFEST_QUEUE_RETENTION_SECONDS", "9999999");
        StringWriter stderr = new StringWriter();
        assertEquals(2, run(env, Instant.now(), new StringWriter(), stderr));
        String e = stderr.toString();
        assertTrue(e.contains("manifest-queue-retention-seconds"), e);
        env.remove("MANIFEST_QUEUE_RETENTION_SECONDS");
        stderr = new StringWriter();
        assertEquals(2, run(env, Instant.now(), new StringWriter(), stderr));
        e = stderr.toString();
        assertTrue(e.contains("iceberg-catalog-uri is required"), e);
        assertTrue(e.contains("snapshot-retention-hours: 24 undercuts"), e);
        assertTrue(e.contains("orphan-file-age-hours"), e);
    }

    private static int run(Map<String, String> env, Instant now, StringWriter out, StringWriter err) {
        CommandLine cl = Main.configure(new CommandLine(new MaintainCommand(env, Clock.fixed(now, ZoneOffset.UTC))));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute();
    }

    private Map<String, String> env(IcebergSettings s) {
        Map<String, String> env = new HashMap<>();
        env.put("ICEBERG_CATALOG_TYPE", "jdbc");
        env.put("ICEBERG_CATALOG_URI", s.catalogUri());
        env.put("ICEBERG_WAREHOUSE", s.warehouse());
        env.put("ICEBERG_TABLE", s.table());
        env.put("ICEBERG_BAD_RECORDS_TABLE", s.badRecordsTable());
        env.put("OUTPUT_LOCATION", dir.resolve("out").toUri().toString());
        return env;
    }

    private static List<String> rows(IcebergSettings s, String table) {
        Catalog c = IcebergCatalogs.loadOutsideSpark(s, null);
        try {
            return LocalTables.rows(c.loadTable(TableIdentifier.parse(table)));
        } finally {
            IcebergCatalogs.close(c);
        }
    }

    private static Path local(String location) {
        return Path.of(URI.create(location.startsWith("file:") ? location : "file:" + location));
    }
}
