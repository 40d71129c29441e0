package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.cli.BackfillCommand;
import dev.ndjsonparquet.controller.cli.BuilderCommand;
import dev.ndjsonparquet.controller.cli.Main;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The builder and backfill commands: settings problems listed at once, before anything is contacted. */
class BuilderCommandsTest {

    @Test
    void builderListsEveryMissingSettingAndExitsWithUsage() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BuilderCommand(Map.of("MAX_FILES_PER_MANIFEST", "0"),
                () -> { throw new AssertionError("no cluster contact with bad settings"); },
                (r, e) -> { throw new AssertionError("no AWS contact with bad settings"); }));
        cli.setErr(new PrintWriter(err));
        assertEquals(CommandLine.ExitCode.USAGE, cli.execute());
        for (String key : new String[] {"ingest-queue-url", "manifest-queue-url", "manifest-location", "output-location",
                "quarantine-location", "ledger-location", "max-files-per-manifest"}) {
            assertTrue(err.toString().contains(key), key + " in:\n" + err);
        }
    }

    @Test
    void backfillNeedsASourceAndValidSince() {
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of("MANIFEST_QUEUE_URL", "http://127.0.0.1:1/q", "MANIFEST_LOCATION", "s3://w/m/",
                "OUTPUT_LOCATION", "s3a://w/t", "QUARANTINE_LOCATION", "s3://w/q/", "LEDGER_LOCATION", "s3://w/l/",
                "ALLOWED_INPUTS", "s3://in/");
        CommandLine cli = new CommandLine(new BackfillCommand(env,
                (r, e) -> { throw new AssertionError("no AWS contact with bad arguments"); }, Clock.systemUTC()));
        cli.setErr(new PrintWriter(err));
        assertEquals(CommandLine.ExitCode.USAGE, cli.execute());
        assertEquals(CommandLine.ExitCode.USAGE, cli.execute("--source", "s3://in/p/", "--since", "yesterday"));
        assertTrue(err.toString().contains("--since 'yesterday'"), err.toString());
        assertEquals(CommandLine.ExitCode.USAGE, cli.execute("--source", "/local/path"));
    }

    @Test
    void bothAreSubcommandsWithTheDeclaredFlags() {
        StringWriter out = new StringWriter();
        CommandLine main = Main.commandLine();
        main.setOut(new PrintWriter(out));
        main.execute("builder", "--help");
        assertTrue(out.toString().contains("--max-files-per-manifest"));
        assertTrue(out.toString().contains("--max-batch-size-gb"));
        main.execute("backfill", "--help");
        assertTrue(out.toString().contains("--since"));
    }

    @Test
    void settingsReadOnceIntoTheRecord() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("INGEST_QUEUE_URL", "http://h/ingest", "MANIFEST_QUEUE_URL", "http://h/m",
                "MANIFEST_LOCATION", "s3://w/m/", "OUTPUT_LOCATION", "s3a://w/t", "QUARANTINE_LOCATION", "s3://w/q/",
                "LEDGER_LOCATION", "s3://w/l/", "MIN_FILE_SIZE_MB", "0", "MAX_FILE_SIZE_MB", "0",
                "EXCLUDE_PATTERNS", "*/_tmp/*", "QUARANTINE_MODE", "reference"));
        env.put("ALLOWED_INPUTS", "s3://in/events/");
        BuilderSettings s = BuilderSettings.from(SettingsResolver.resolve(BuilderSettings.ALL, Map.of(), env, Map.of()),
                BuilderSettings.ALL);
        assertEquals(100, s.maxFilesPerManifest());
        assertEquals(500L * BuilderSettings.GB, s.maxBatchBytes());
        assertEquals(SizeBand.unbounded(), s.sizeBand());
        assertEquals(BuilderSettings.QuarantineMode.REFERENCE, s.quarantineMode());
        assertEquals(new StoreUri("w", "l/"), s.ledgerLocation());
        assertEquals("ndjson-parquet-builder", s.leaseName());
        assertEquals(List.of("s3://in/events/"), s.allowedInputs().prefixes());
        assertTrue(!s.patterns().accepts("a/_tmp/x.json") && s.patterns().accepts("a/x.json"));
        Map<String, String> reconcileWithoutLocation = new java.util.HashMap<>(env);
        reconcileWithoutLocation.put("RECONCILE_INTERVAL_SECONDS", "60");
        assertThrows(dev.ndjsonparquet.settings.SettingsException.class, () -> BuilderSettings.from(
                SettingsResolver.resolve(BuilderSettings.ALL, Map.of(), reconcileWithoutLocation, Map.of()), BuilderSettings.ALL));
    }
}
