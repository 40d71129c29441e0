package dev.ndjsonparquet.tools.cli;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.builder.StoreUri;
import dev.ndjsonparquet.tools.local.ConsoleReport;
import dev.ndjsonparquet.tools.local.InputScanner;
import dev.ndjsonparquet.tools.local.LocalPipeline;
import dev.ndjsonparquet.tools.local.LocalRun;
import dev.ndjsonparquet.tools.local.LocalSettings;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code ndjson-parquet run --input <dir> --output <dir> [--watch]}: the demo's pipeline on the user's own
 * files. Each file of the input directory is announced once with an S3 notification; with {@code --watch}
 * new files are announced as they appear (once complete) until the command is interrupted. The pipeline's
 * state (manifests, ledger, quarantine records, logs) lives under {@code <output>/_pipeline}, so a second run
 * converts only what is new and finishes manifests an interrupted run left.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        modelTransformer = RunCommand.DeclaredSettings.class,
        sortOptions = false,
        description = {"Runs the whole pipeline on this machine on the NDJSON files of a directory.",
                "Each value comes from its flag, else its environment variable, else the local default, else its declared default."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every manifest converted (or stopped while watching)", "1:a manifest failed or the pipeline could not start",
                "2:bad usage or settings"})
public final class RunCommand extends LocalPipelineCommand {

    private static final Duration SCAN_EVERY = Duration.ofSeconds(1);

    @Option(names = "--watch", description = "Keep watching the input directory for new files until interrupted (Ctrl-C)")
    boolean watch;

    public RunCommand() {
        this(System.getenv());
    }

    /** For tests: the environment to read. */
    public RunCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        ResolvedSettings settings;
        Path input;
        Path output;
        try {
            Map<String, String> defaults = new HashMap<>(LocalSettings.localDefaults());
            // The user's files may be large: quarantine writes a reason record and never copies them.
            defaults.put(BuilderSettings.QUARANTINE_MODE.key(), "reference");
            settings = LocalRun.resolve(LocalSettings.RUN,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), LocalSettings.RUN), env, defaults);
            input = Path.of(settings.get(LocalSettings.INPUT));
            if (!Files.isDirectory(input)) {
                throw new IllegalArgumentException("--input " + input + " is not a directory");
            }
            input = input.toRealPath();
            output = Path.of(settings.get(LocalSettings.OUTPUT)).toAbsolutePath().normalize();
            Files.createDirectories(output);
            output = output.toRealPath();
            if (input.startsWith(output)) {
                throw new IllegalArgumentException("--input " + input + " is inside --output " + output);
            }
        } catch (SettingsException | IllegalArgumentException e) {
            err.println("run: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        } catch (IOException e) {
            err.println("run: --output cannot be created: " + e);
            return CommandLine.ExitCode.USAGE;
        }
        Path state = output.resolve("_pipeline");
        LocalPipeline.Layout layout = new LocalPipeline.Layout(Map.of("input", input, "pipeline", state),
                new StoreUri("input", ""), new StoreUri("pipeline", ""), output, state.resolve("logs"));
        Path in = input;
        return runPipeline("run", layout, settings, (pipeline, report, console) -> {
            int resent = pipeline.resendUnfinished();
            if (resent > 0) {
                out.println("resuming " + resent + " manifest(s) an earlier run did not finish");
            }
            InputScanner scanner = new InputScanner(in, layout.output());
            offer(pipeline, layout.input(), in, scanner.initial());
            boolean completed;
            if (watch) {
                out.println("watching " + in + " for new files; stop with Ctrl-C");
                out.flush();
                completed = watch(pipeline, layout.input(), in, scanner, console);
            } else {
                completed = LocalRun.awaitIdle(pipeline, console);
            }
            Thread.interrupted(); // an interruption ends the run, not the clean-up
            boolean ok = LocalRun.finish("ndjson-parquet run", report, console, pipeline, out);
            if (!completed && !watch) {
                err.println("run: interrupted; a new run with the same --output finishes the work");
                return CommandLine.ExitCode.SOFTWARE;
            }
            return ok || watch ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
        });
    }

    /** Announces new files until interrupted; always false (a watch ends only by interruption). */
    private static boolean watch(LocalPipeline pipeline, StoreUri bucket, Path input, InputScanner scanner, ConsoleReport console) {
        while (!Thread.currentThread().isInterrupted()) {
            console.tick();
            try {
                Thread.sleep(SCAN_EVERY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            offer(pipeline, bucket, input, scanner.next());
        }
        return false;
    }

    private static void offer(LocalPipeline pipeline, StoreUri bucket, Path input, List<Path> files) {
        for (Path f : files) {
            pipeline.offer(bucket.child(input.relativize(f).toString().replace('\\', '/')));
        }
    }

    /** Adds one {@code --key} option per run setting. */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            SettingsOptions.addTo(commandSpec, LocalSettings.RUN);
            return commandSpec;
        }
    }
}
