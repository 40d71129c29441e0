package dev.ndjsonparquet.spark;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.DriverChecks;
import dev.ndjsonparquet.location.LocationPrefixes;
import dev.ndjsonparquet.location.LocationSettings;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.spark.commit.ManifestGate;
import dev.ndjsonparquet.spark.commit.ManifestRefusedException;
import dev.ndjsonparquet.spark.commit.SupersededAttemptException;
import dev.ndjsonparquet.spark.job.LocalSpark;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.ndjsonparquet.spark.usage.ExecutorListener;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The Spark application's entry point, as spark-operator runs it: {@code --manifest <uri>} plus settings, and from
 * the dispatcher the checks to make again ({@link DriverChecks}: {@code --manifest-sha256} and the allow-lists
 * {@code --allowed-inputs}, {@code --allowed-outputs}, {@code --allowed-schemas}, which are required).
 * Only parses arguments and wires a session; the work is {@link ManifestConversion}.
 * Exit codes: 0 converted or already converted, 1 the conversion failed, 2 bad arguments or settings,
 * 3 superseded by a newer attempt at the same manifest (nothing committed by this run), 4 the manifest is refused
 * (changed since the dispatcher checked it, or its id, output or schema not allowed; nothing deleted or written).
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

    @Option(names = DriverChecks.MANIFEST_SHA256, paramLabel = "<hex>",
            description = "SHA-256 of the manifest's bytes as the dispatcher checked them; a manifest read with other bytes "
                    + "is refused before anything is deleted or written.")
    String manifestSha256;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The conversion settings, then the allow-lists the manifest is checked against again. */
    static final List<Setting<?>> DECLARED = concat(ConversionSettings.ALL, LocationSettings.DRIVER);

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ConvertManifest());
        SettingsOptions.addTo(cl.getCommandSpec(), DECLARED);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        ConversionSettings.Values settings = null;
        ManifestGate gate = null;
        List<String> problems = new ArrayList<>();
        try {
            ResolvedSettings resolved = SettingsResolver.resolve(DECLARED,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), DECLARED), System.getenv(), Map.of());
            settings = ConversionSettings.Values.from(resolved);
            gate = new ManifestGate(manifestSha256, trust(resolved));
        } catch (SettingsException e) {
            problems.add(e.getMessage());
        }
        if (attempt < 1) {
            problems.add("--attempt must be 1 or more, was " + attempt);
        }
        if (!problems.isEmpty()) {
            problems.forEach(spec.commandLine().getErr()::println);
            return 2;
        }
        // The executors' registrations from the context's start, for the result record's capacity figures.
        String listeners = ExecutorListener.register(new SparkConf().get("spark.extraListeners", ""));
        SparkSession spark = SparkSession.builder().appName("ndjson-parquet " + manifest)
                .config("spark.extraListeners", listeners).getOrCreate();
        LocalSpark.applyRequired(spark);
        try {
            ManifestConversion.Outcome o = new ManifestConversion(spark, settings).checkedBy(gate).run(manifest, attempt);
            spec.commandLine().getOut().println((o.skipped() ? "already converted: " : "converted: ") + o.resultLocation());
            return 0;
        } catch (SupersededAttemptException e) {
            spec.commandLine().getErr().println("stopped: " + e.getMessage());
            return 3;
        } catch (ManifestRefusedException e) {
            spec.commandLine().getErr().println("refused: " + e.getMessage());
            return 4;
        } finally {
            spark.stop();
        }
    }

    /** The lists from the dispatcher; an empty schema list admits no manifest schema (the dispatcher always passes one). */
    private static TrustedLocations trust(ResolvedSettings s) {
        AllowedInputs inputs = s.get(LocationSettings.ALLOWED_INPUTS);
        LocationPrefixes schemas = s.get(LocationSettings.ALLOWED_SCHEMAS);
        return new TrustedLocations(null, inputs, s.get(LocationSettings.ALLOWED_OUTPUTS),
                schemas == null ? new LocationPrefixes("schema locations", List.of()) : schemas);
    }

    private static List<Setting<?>> concat(List<Setting<?>> a,
                                                                    List<Setting<?>> b) {
        List<Setting<?>> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
