package dev.ndjsonparquet.tools.cli;

import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.tools.local.ConsoleReport;
import dev.ndjsonparquet.tools.local.LocalPipeline;
import dev.ndjsonparquet.tools.local.LocalRun;
import dev.ndjsonparquet.tools.local.PipelineReport;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What {@code demo} and {@code run} share: the environment they read, {@code --verbose}, and one pipeline
 * session (log to {@code <logs>/pipeline.log}, interrupt on shutdown, live console report) whose failures map
 * to the same exit codes. Each command decides its layout and settings, and what to offer once it runs.
 */
abstract class LocalPipelineCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = "--verbose", description = "Print the pipeline's log lines (JSON) on stderr instead of into <logs>/pipeline.log")
    boolean verbose;

    final Map<String, String> env;

    LocalPipelineCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** What a command does with the started pipeline; returns its exit code. */
    interface Session {
        int run(LocalPipeline pipeline, PipelineReport report, ConsoleReport console);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Starts the pipeline on {@code layout}, runs {@code session}, and closes the pipeline whatever happened. */
    int runPipeline(String name, LocalPipeline.Layout layout, ResolvedSettings settings, Session session) {
        boolean terminal = System.console() != null;
        Instant since = Instant.now();
        try (LocalRun.Restore logs = LocalRun.logToFile(layout.logs().resolve("pipeline.log"), verbose);
             LocalRun.ShutdownGuard guard = LocalRun.interruptOnShutdown();
             LocalPipeline pipeline = LocalPipeline.start(layout, settings)) {
            PipelineReport report = new PipelineReport(pipeline, since);
            return session.run(pipeline, report, new ConsoleReport(out(), terminal, report));
        } catch (SettingsException e) {
            err().println(name + ": " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        } catch (RuntimeException e) {
            err().println(name + ": the pipeline failed: " + e);
            return CommandLine.ExitCode.SOFTWARE;
        }
    }
}
