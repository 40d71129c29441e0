package dev.ndjsonparquet.controller.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The controller image's command line: the production subcommands only. Each subcommand is its own class;
 * this class only lists them. The user's command line ({@code dev.ndjsonparquet.tools.cli.Main}, module
 * {@code tools}) starts from this list and adds the local tools (demo, run, plan, convert, bench, read-table).
 * Exit codes: 0 success, 1 the work failed, 2 bad usage or settings (picocli's convention).
 */
@Command(name = "ndjson-parquet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "NDJSON in S3 to Parquet, exactly once, with Spark on Kubernetes.",
        subcommands = {CommandLine.HelpCommand.class, DispatcherCommand.class, RenderCommand.class,
                BuilderCommand.class, BackfillCommand.class, MaintainCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new Main()));
    }

    /**
     * The settings every launcher of these subcommands applies: enum values in any case, and a command list
     * that names each subcommand by its name only. Aliases are old names kept for a release (the dispatcher's
     * {@code controller}): they still run, and the help does not offer them.
     */
    public static CommandLine configure(CommandLine commandLine) {
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true)
                .setHelpFactory((spec, colors) -> new CommandLine.Help(spec, colors) {
                    @Override
                    public CommandLine.Help.Ansi.Text commandNamesText(String separator) {
                        return colorScheme().commandText(commandSpec().name());
                    }
                });
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
