package dev.ndjsonparquet.tools.cli;

import picocli.CommandLine;

/**
 * The user's {@code ndjson-parquet} command line: every production subcommand of the controller's
 * {@link dev.ndjsonparquet.controller.cli.Main} (taken from its list, not copied) plus the local tools:
 * {@code plan}, {@code demo}, {@code run}, and the Spark-side forwarders {@code convert}, {@code bench},
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
        return dev.ndjsonparquet.controller.cli.Main.commandLine()
                .addSubcommand(new PlanCommand())
                .addSubcommand(new DemoCommand())
                .addSubcommand(new RunCommand())
                .addSubcommand(new SparkSideCommand.Convert())
                .addSubcommand(new SparkSideCommand.Bench())
                .addSubcommand(new SparkSideCommand.ReadTable());
    }
}
