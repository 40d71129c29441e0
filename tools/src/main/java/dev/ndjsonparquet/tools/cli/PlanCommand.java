package dev.ndjsonparquet.tools.cli;

import dev.ndjsonparquet.tools.plan.Plan;
import dev.ndjsonparquet.tools.plan.PlanReport;
import dev.ndjsonparquet.tools.plan.PlanResult;
import dev.ndjsonparquet.tools.plan.PlanSettings;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code ndjson-parquet plan}: what the conversion will cost and how many nodes it needs, next to the
 * original Glue/EMR design. The options are the declared {@link PlanSettings}; the arithmetic is
 * {@link Plan}; the printing is {@link PlanReport}.
 */
@Command(name = "plan",
        mixinStandardHelpOptions = true,
        modelTransformer = PlanCommand.DeclaredSettings.class,
        sortOptions = false,
        sortSynopsis = false,
        description = {"Nodes, applications and dollars a day and a month for a daily NDJSON volume, "
                + "side by side with the original Glue/EMR design.",
                "Each value comes from its flag, else its environment variable, else the --config file, else its default.",
                "Formulas: docs/plan.md."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the plan was printed", "1:an unexpected error", "2:bad usage or settings (every problem is listed)"})
public final class PlanCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Java properties file of plan settings, keys as the flags without the leading --")
    Path config;

    @Option(names = "--json", description = "print the plan as JSON instead of a table")
    boolean json;

    private final Map<String, String> env;

    public PlanCommand() {
        this(System.getenv());
    }

    /** For tests: the environment variables to read instead of the process's. */
    public PlanCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PlanResult result;
        try {
            ResolvedSettings settings = SettingsResolver.resolve(PlanSettings.ALL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), PlanSettings.ALL),
                    env, SettingsResolver.readFile(config));
            result = Plan.compute(PlanSettings.inputs(settings));
        } catch (SettingsException e) {
            spec.commandLine().getErr().println("plan: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        spec.commandLine().getOut().print(json ? PlanReport.json(result) : PlanReport.text(result));
        spec.commandLine().getOut().flush();
        return CommandLine.ExitCode.OK;
    }

    /** Adds one {@code --key} option per declared plan setting when picocli builds the command. */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            SettingsOptions.addTo(commandSpec, PlanSettings.ALL);
            return commandSpec;
        }
    }
}
