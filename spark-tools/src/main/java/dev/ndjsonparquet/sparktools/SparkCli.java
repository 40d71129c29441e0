package dev.ndjsonparquet.sparktools;

import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.conversion.ConversionSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Spark side of the {@code ndjson-parquet} launcher: the subcommands that need Spark on their
 * classpath ({@code convert}, {@code bench}). Exit codes: 0 success, 1 the work failed, 2 bad usage.
 */
@Command(name = "ndjson-parquet", mixinStandardHelpOptions = true,
        description = "NDJSON to Parquet with Spark in local mode.",
        subcommands = {ConvertCommand.class, BenchCommand.class,
                ReadTableCommand.class, CommandLine.HelpCommand.class})
public final class SparkCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SparkCli());
        SettingsOptions.addTo(cl.getSubcommands().get("convert").getCommandSpec(), ConversionSettings.ALL);
        SettingsOptions.addTo(cl.getSubcommands().get("read-table").getCommandSpec(), ConversionSettings.ALL);
        return cl.setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
