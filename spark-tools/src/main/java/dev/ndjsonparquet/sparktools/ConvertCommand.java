package dev.ndjsonparquet.sparktools;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.spark.job.LocalSpark;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code convert}: the conversion engine on local files, in Spark local mode, through a manifest built here. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert local NDJSON files to Parquet (Spark local mode) and print a summary.")
public final class ConvertCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "<file or directory>",
            description = "Repeatable. A directory means every file in it whose name does not start with '.' or '_'.")
    List<Path> inputs;

    @Option(names = "--output", required = true, paramLabel = "<directory>",
            description = "Table root: Parquet under manifest_id=..., bad records under _bad_records, results under _results.")
    Path output;

    @Option(names = "--json", description = "Print the result record as JSON on stdout instead of a summary.")
    boolean json;

    @Option(names = "--force", description = "Convert again even if these files were converted into this output before.")
    boolean force;

    @Option(names = "--cores", paramLabel = "<n>", description = "Spark local cores (default: all).")
    int cores = Runtime.getRuntime().availableProcessors();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public ConvertCommand() {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConversionSettings.Values settings;
        List<ManifestFile> files;
        try {
            settings = ConversionSettings.Values.from(SettingsResolver.resolve(ConversionSettings.ALL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), ConversionSettings.ALL),
                    System.getenv(), Map.of()));
            files = LocalInputs.expand(inputs);
        } catch (SettingsException | IllegalArgumentException e) {
            err.println("convert: " + e.getMessage());
            return 2;
        }
        Path root = output.toAbsolutePath().normalize();
        Manifest manifest = Manifest.of(Instant.now(), files, root.toUri().toString(), null);
        Path manifestFile = root.resolve("_manifests").resolve(manifest.manifestId() + ".json");
        Files.createDirectories(manifestFile.getParent());
        Files.write(manifestFile, ManifestCodec.encode(manifest));
        Path resultFile = root.resolve("_results").resolve(manifest.manifestId() + ".json");
        if (force) {
            Files.deleteIfExists(resultFile);
        }
        SparkSession spark = LocalSpark.start(cores, "ndjson-parquet convert");
        try {
            ManifestConversion.Outcome o = new ManifestConversion(spark, settings).run(manifestFile.toUri().toString());
            if (json) {
                out.println(new String(o.result().toJson(), StandardCharsets.UTF_8));
            } else {
                printSummary(out, o);
            }
            out.flush();
            return 0;
        } finally {
            spark.stop();
        }
    }

    static void printSummary(PrintWriter out, ManifestConversion.Outcome o) {
        ConversionResult r = o.result();
        if (o.skipped()) {
            out.println("Already converted (use --force to convert again).");
        }
        out.printf("manifest        %s%n", r.manifestId());
        out.printf("files           %d converted, %d quarantined%n", r.filesConverted(), r.quarantinedFiles().size());
        for (ConversionResult.QuarantinedFile q : r.quarantinedFiles()) {
            out.printf("  quarantined   %s: %s%n", q.path(), q.reason());
        }
        out.printf("lines read      %d (and %d blank)%n", r.linesRead(), r.blankLines());
        out.printf("rows written    %d (%d with _rescued_data)%n", r.rowsWritten(), r.rowsWithRescuedData());
        out.printf("bad records     %d%n", r.badRecords());
        out.printf("bytes           %.1f MB in, %.1f MB out in %d Parquet files%n", r.bytesIn() / 1e6, r.bytesOut() / 1e6,
                r.outputFiles());
        out.printf("time            %.1f s (%.1f MB/s), schema %s%n", r.durationsMs().total() / 1000.0,
                r.megabytesPerSecond(), r.schemaSource());
        out.printf("parquet         %s%n", r.dataLocation());
        if (r.badRecordsLocation() != null) {
            out.printf("bad records at  %s%n", r.badRecordsLocation());
        }
        if (r.iceberg() != null) {
            out.printf("iceberg         %s snapshot %d (read-table reads it back)%n", r.iceberg().table(), r.iceberg().snapshotId());
        }
        out.printf("result record   %s%n", o.resultLocation());
    }
}
