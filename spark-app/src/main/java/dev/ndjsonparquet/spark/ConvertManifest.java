package dev.ndjsonparquet.spark;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.spark.commit.SupersededAttemptException;
import dev.ndjsonparquet.spark.job.LocalSpark;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The Spark application's entry point, as spark-operator runs it: {@code --manifest <uri>} plus settings.
 * Only parses arguments and wires a session; the work is {@link ManifestConversion}.
 * Exit codes: 0 converted or already converted, 1 the conversion failed, 2 bad arguments or settings,
 * 3 superseded by a newer attempt at the same manifest (nothing committed by this run).
 */
@Command(name = "convert-manifest", mixinStandardHelpOptions = true,
        description = "Converts one manifest's NDJSON files into Parquet, bad records and a result record.")
public final class ConvertManifest implements Callable<Integer> {

    @Option(names = "--manifest", required = true, paramLabel = "<uri>",
            description = "The manifest: s3a://bucket/key, s3://bucket/key, file:/path or a local path.")
    String manifest;

    @Option(names = "--attempt", paramLabel = "<n>", defaultValue = "1",
            description = "Which attempt at the manifest this run is (1-based, from the dispatcher); a run "
                    + "superseded by a newer attempt commits nothing. Default: ${DEFAULT-VALUE}.")
    int attempt;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ConvertManifest());
        SettingsOptions.addTo(cl.getCommandSpec(), ConversionSettings.ALL);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        ConversionSettings.Values settings;
        try {
            ResolvedSettings resolved = SettingsResolver.resolve(ConversionSettings.ALL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), ConversionSettings.ALL),
                    System.getenv(), Map.of());
            settings = ConversionSettings.Values.from(resolved);
        } catch (SettingsException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        if (attempt < 1) {
            spec.commandLine().getErr().println("--attempt must be 1 or more, was " + attempt);
            return 2;
        }
        SparkSession spark = SparkSession.builder().appName("ndjson-parquet " + manifest).getOrCreate();
        LocalSpark.applyRequired(spark);
        try {
            ManifestConversion.Outcome o = new ManifestConversion(spark, settings).run(manifest, attempt);
            spec.commandLine().getOut().println((o.skipped() ? "already converted: " : "converted: ") + o.resultLocation());
            return 0;
        } catch (SupersededAttemptException e) {
            spec.commandLine().getErr().println("stopped: " + e.getMessage());
            return 3;
        } finally {
            spark.stop();
        }
    }
}
