package dev.ndjsonparquet.tools.cli;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.tools.local.LocalRun;
import dev.ndjsonparquet.tools.local.LocalSettings;
import dev.ndjsonparquet.tools.local.SparkLaunch;
import dev.ndjsonparquet.tools.soak.Soak;
import dev.ndjsonparquet.tools.soak.SoakReport;
import dev.ndjsonparquet.tools.soak.SoakSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ndjson-parquet soak}: the whole pipeline under seeded random faults on every call, kills, second replicas,
 * lost and zombie drivers and redrives, then the exactly-once invariant checked on the Parquet read back. See docs/soak.md.
 */
@Command(name = "soak",
        mixinStandardHelpOptions = true,
        modelTransformer = SoakCommand.DeclaredSettings.class,
        sortOptions = false,
        description = {"Runs the whole pipeline in this process under random faults on every S3, SQS and Kubernetes call, "
                + "kills and second replicas, then checks that every good line is in the Parquet exactly once.",
                "Each value comes from its flag, else its environment variable, else its default. docs/soak.md."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the invariant held", "1:it did not (the seed is printed)", "2:bad usage or settings"})
public final class SoakCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandSpec spec;

    @CommandLine.Option(names = "--verbose", description = "Print the pipeline's log lines on stderr instead of into <dir>/soak.log")
    boolean verbose;

    private final Map<String, String> env;

    public SoakCommand() {
        this(System.getenv());
    }

    public SoakCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Soak.Options options;
        try {
            ResolvedSettings s = LocalRun.resolve(SoakSettings.ALL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), SoakSettings.ALL), env, SoakSettings.defaults());
            Long seed = s.get(SoakSettings.SEED);
            String dirSetting = s.get(SoakSettings.DIR);
            Path dir = (dirSetting == null || dirSetting.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "ndjson-parquet-soak")
                    : Path.of(dirSetting)).toAbsolutePath().normalize();
            WorkDirectory.prepare(dir, "soak"); // an earlier soak's lake would read as duplicates
            List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            jvm.addAll(SparkLaunch.splitOptions(s.get(LocalSettings.SPARK_JAVA_OPTS)));
            options = new Soak.Options(s.get(SoakSettings.FILES), s.get(SoakSettings.FAULT_RATE),
                    seed == null ? new Random().nextLong() : seed, s.get(SoakSettings.DURATION), s.get(SoakSettings.FILES_PER_ROUND),
                    s.get(BuilderSettings.MAX_FILES_PER_MANIFEST), s.get(BuilderSettings.MAX_BATCH_AGE_SECONDS), SoakSettings.list(s.get(SoakSettings.WITHOUT)), dir,
                    new SparkLaunch(SparkLaunch.currentJava(), s.get(LocalSettings.SPARK_CLASSPATH), jvm, 1, "512m"));
        } catch (SettingsException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("soak: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        out.printf("soak: %d files, fault rate %s, seed %d (repeat with --seed %d); logs in %s%n", options.files(),
                options.faultRate(), options.seed(), options.seed(), options.dir());
        out.flush();
        // A soak ended by a signal leaves no Spark JVM behind (they are this process's children).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy),
                "soak-children"));
        // After each round, the table so far: a soak stopped by its --duration (or by hand) still shows what it checked.
        Soak.Outcome outcome = Soak.run(options, out, () -> LocalRun.logToFile(options.dir().resolve("soak.log"), verbose),
                soFar -> {
                    if (soFar.rounds().size() * (long) options.filesPerRound() < options.files()) {
                        out.printf("%nso far (%d round(s)):%n", soFar.rounds().size());
                        SoakReport.print(options, soFar, out);
                    }
                });
        SoakReport.print(options, outcome, out);
        return outcome.passed() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }

    /** Adds one {@code --key} option per soak setting. */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            SettingsOptions.addTo(commandSpec, SoakSettings.ALL);
            return commandSpec;
        }
    }
}
