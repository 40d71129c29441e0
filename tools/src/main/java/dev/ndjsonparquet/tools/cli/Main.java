package dev.ndjsonparquet.tools.cli;

import picocli.CommandLine;

/**
 * The user's {@code ndjson-parquet} command line: every production subcommand of the controller's
 * {@link dev.ndjsonparquet.controller.cli.Main} (taken from its list, not copied) plus the local tools:
 * {@code plan}, {@code demo}, {@code run}, {@code soak}, and the Spark-side forwarders {@code convert}, {@code bench},
 * {@code read-table}. The controller image's entry point stays the controller's Main, which has none of these.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = dev.ndjsonparquet.controller.cli.Main.commandLine();
        // Each as a CommandLine of its own, so picocli applies its model transformer (the declared settings' flags).
        for (Object tool : new Object[] {new PlanCommand(), new DemoCommand(), new RunCommand(),
                new SoakCommand(),
                new SparkSideCommand.Convert(), new SparkSideCommand.Bench(), new SparkSideCommand.ReadTable()}) {
            cl.addSubcommand(new CommandLine(tool));
        }
        // Parser options set on the parent reach only the subcommands it already had.
        return cl.setCaseInsensitiveEnumValuesAllowed(true);
    }
}
