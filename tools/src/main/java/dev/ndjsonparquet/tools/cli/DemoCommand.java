package dev.ndjsonparquet.tools.cli;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.builder.StoreUri;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.tools.local.IcebergDemo;
import dev.ndjsonparquet.tools.local.LocalPipeline;
import dev.ndjsonparquet.tools.local.LocalRun;
import dev.ndjsonparquet.tools.local.LocalSettings;
import dev.ndjsonparquet.tools.local.SampleData;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ndjson-parquet demo}: the whole pipeline on this machine with sample data. Generates NDJSON files
 * (with bad lines, and one file outside the size band) in a local "landing" bucket, sends their S3
 * notifications to an in-process SQS ingest queue, and runs the real manifest builder, dispatcher and Spark
 * application (local mode, one JVM per SparkApplication). See docs/local.md.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        modelTransformer = DemoCommand.DeclaredSettings.class,
        sortOptions = false,
        description = {"Runs the whole pipeline on this machine on generated sample data: no cloud account, no cluster.",
                "Each value comes from its flag, else its environment variable, else the local default, else its declared default."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every manifest converted", "1:a manifest failed or the pipeline could not start",
                "2:bad usage or settings"})
public final class DemoCommand extends LocalPipelineCommand {

    /** Marks a directory the demo created, so a re-run may empty it and nothing else. */

    public DemoCommand() {
        this(System.getenv());
    }

    /** For tests: the environment to read. */
    public DemoCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        ResolvedSettings settings;
        Path dir;
        try {
            Map<String, String> flags = SettingsOptions.flags(spec.commandLine().getParseResult(), LocalSettings.DEMO);
            ResolvedSettings first = LocalRun.resolve(LocalSettings.DEMO, flags, env, LocalSettings.localDefaults());
            dir = LocalSettings.demoDir(first.get(LocalSettings.DEMO_DIR));
            Map<String, String> defaults = new HashMap<>(LocalSettings.localDefaults());
            // The band fits the generated files; the one outlier is larger than its top.
            defaults.put(BuilderSettings.MAX_FILE_SIZE_MB.key(),
                    Long.toString(Math.max(1, (long) Math.ceil(2 * first.get(LocalSettings.DEMO_FILE_SIZE_MB)))));
            defaults.put(BuilderSettings.SCHEMA_URI.key(), dir.resolve("schema.ddl").toUri().toString());
            // Two manifests (one per run slot): each Spark JVM's start-up is paid once for half the data, so
            // the summary's converting phase shows the engine rather than start-ups.
            defaults.put(BuilderSettings.MAX_FILES_PER_MANIFEST.key(),
                    Integer.toString(Math.max(4, (first.get(LocalSettings.DEMO_FILES) + 1) / 2)));
            if (first.get(LocalSettings.DEMO_ICEBERG)) {
                defaults.put(DispatcherSettings.SPARK_APP_ARGS.key(), IcebergDemo.sparkAppArgs(dir));
            }
            settings = LocalRun.resolve(LocalSettings.DEMO, flags, env, defaults);
            WorkDirectory.prepare(dir, "demo");
        } catch (SettingsException | IllegalArgumentException e) {
            err.println("demo: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        Path buckets = dir.resolve("buckets");
        LocalPipeline.Layout layout = new LocalPipeline.Layout(
                Map.of("landing", buckets.resolve("landing"), "pipeline", buckets.resolve("pipeline")),
                new StoreUri("landing", "ndjson/"),
                new StoreUri("pipeline", ""), buckets.resolve("lake").resolve("events"), dir.resolve("logs"));
        SampleData.Generated data = generate(settings, dir, layout, out);
        return runPipeline("demo", layout, settings, (pipeline, report, console) -> {
            for (SampleData.File f : data.files()) {
                pipeline.offer(layout.input().child(f.path().getFileName().toString()));
            }
            if (!LocalRun.awaitIdle(pipeline, console)) {
                Thread.interrupted(); // an interruption ends the demo, not the clean-up
                LocalRun.finish("ndjson-parquet demo", report, console, pipeline, out);
                err.println("demo: interrupted");
                return CommandLine.ExitCode.SOFTWARE;
            }
            if (settings.get(LocalSettings.DEMO_ICEBERG)) {
                // A schema change arrives: a later file with fields the schema lacks, in a manifest of its own.
                Path evolved = IcebergDemo.writeEvolvedFile(layout.dir(layout.input()));
                pipeline.offer(layout.input().child(evolved.getFileName().toString()));
                if (!LocalRun.awaitIdle(pipeline, console)) {
                    Thread.interrupted();
                    LocalRun.finish("ndjson-parquet demo", report, console, pipeline, out);
                    err.println("demo: interrupted");
                    return CommandLine.ExitCode.SOFTWARE;
                }
            }
            boolean ok = LocalRun.finish("ndjson-parquet demo", report, console, pipeline, out);
            out.printf(Locale.ROOT, "  expected     %,d rows and %,d bad records from %d file(s) in the band; %d file(s) outside it%n",
                    data.goodRecordsInBand(), data.badLinesInBand(), data.inBand().size(), data.files().size() - data.inBand().size());
            out.flush();
            if (settings.get(LocalSettings.DEMO_ICEBERG)) {
                out.printf(Locale.ROOT, "  then %d record(s) with new fields country and payload.referrer in a later manifest "
                        + "(schema-evolution add-new-columns)%n", IcebergDemo.EVOLVED_RECORDS);
                ok &= IcebergDemo.readBack(settings, dir, out) == 0;
            }
            return ok ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
        });
    }

    private static SampleData.Generated generate(ResolvedSettings s, Path dir, LocalPipeline.Layout layout, PrintWriter out) {
        long fileBytes = (long) (s.get(LocalSettings.DEMO_FILE_SIZE_MB) * 1_000_000);
        long maxMb = s.get(BuilderSettings.MAX_FILE_SIZE_MB);
        long outlier = maxMb > 0 ? maxMb * BuilderSettings.MB + 64 * 1024 : 0;
        try {
            Files.writeString(dir.resolve("schema.ddl"), SampleData.SCHEMA_DDL + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SampleData.Generated data = SampleData.write(layout.dir(layout.input()), s.get(LocalSettings.DEMO_FILES), fileBytes,
                s.get(LocalSettings.DEMO_BAD_LINES), outlier, 20261126L);
        out.printf(Locale.ROOT, "generated %d NDJSON file(s), %s, in %s (%,d records, %,d bad lines%s)%n",
                data.files().size(), mb(data.bytes()), layout.dir(layout.input()), data.goodRecordsInBand(), data.badLinesInBand(),
                outlier > 0 ? ", one file above the " + maxMb + " MiB size band" : "");
        out.flush();
        return data;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** Adds one {@code --key} option per demo setting. */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            SettingsOptions.addTo(commandSpec, LocalSettings.DEMO);
            return commandSpec;
        }
    }
}
