package dev.ndjsonparquet.controller.cli;

import dev.ndjsonparquet.controller.maintain.MaintainReport;
import dev.ndjsonparquet.controller.maintain.MaintainSettings;
import dev.ndjsonparquet.controller.maintain.TableMaintainer;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.tables.IcebergCatalogs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.Catalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code ndjson-parquet maintain}: one maintenance pass over the Iceberg output's two tables, for catalogs that do not
 * maintain tables themselves (JDBC, REST, Glue without its optimizers; S3 Tables maintains its own). Snapshots are
 * expired no further back than the retention computed from the dispatcher's settings (never the snapshot of a manifest
 * without its result record), manifests rewritten, metadata clean-up switched on, the bad-records table's small files
 * compacted and the files of dead runs removed. Every step is idempotent: a pass killed half-way is finished by the
 * next. The chart runs it as a CronJob.
 */
@Command(name = "maintain",
        mixinStandardHelpOptions = true,
        modelTransformer = MaintainCommand.DeclaredSettings.class,
        sortOptions = false,
        description = {"Maintains the Iceberg output's tables: snapshot expiry, manifest rewrite, metadata clean-up, "
                + "compaction of the bad-records table, removal of dead runs' files.",
                "Each value comes from its flag, else its environment variable, else the --config file, else its default."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:both tables maintained (or not created yet)", "1:a step failed (the next pass finishes it)",
                "2:bad usage or settings (every problem is listed)"})
public final class MaintainCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Java properties file of settings, keys as the flags without the leading --")
    Path config;

    private final Map<String, String> env;
    private final Clock clock;

    public MaintainCommand() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** For tests: the environment and the clock to use. */
    public MaintainCommand(Map<String, String> env, Clock clock) {
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        MaintainSettings settings;
        try {
            settings = MaintainSettings.from(SettingsResolver.resolve(MaintainSettings.ALL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), MaintainSettings.ALL),
                    env, SettingsResolver.readFile(config)));
        } catch (SettingsException e) {
            err.println("maintain: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        Catalog catalog;
        try {
            catalog = IcebergCatalogs.loadOutsideSpark(settings.iceberg(), settings.awsRegion());
        } catch (RuntimeException e) {
            err.println("maintain: cannot open the " + settings.iceberg().catalogType().name().toLowerCase(java.util.Locale.ROOT)
                    + " catalog: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
        int exit = CommandLine.ExitCode.OK;
        try {
            for (String table : new String[] {settings.iceberg().table(), settings.iceberg().badRecordsTable()}) {
                boolean badRecords = table.equals(settings.iceberg().badRecordsTable());
                try {
                    TableMaintainer.Report r = TableMaintainer.maintain(catalog, table, badRecords, settings, clock.instant());
                    out.println(MaintainReport.describe(r, settings));
                } catch (RuntimeException e) {
                    // The other table is still maintained; the next pass finishes this one.
                    err.println("maintain: " + table + ": stopped: " + e.getMessage());
                    exit = CommandLine.ExitCode.SOFTWARE;
                }
            }
        } finally {
            IcebergCatalogs.close(catalog);
        }
        out.flush();
        return exit;
    }

    /** Adds one {@code --key} option per setting maintain reads. */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            SettingsOptions.addTo(commandSpec, MaintainSettings.ALL);
            return commandSpec;
        }
    }
}
