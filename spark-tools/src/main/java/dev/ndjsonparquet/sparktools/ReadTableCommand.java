package dev.ndjsonparquet.sparktools;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.OutputMode;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.spark.job.LocalSpark;
import dev.ndjsonparquet.spark.table.TableReadBack;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code read-table}: reads the Iceberg tables of the settings back through their catalog and prints each
 * manifest's append and the row counts (metadata and read). Exit codes: 0 read and consistent, 1 the rows
 * read differ from the metadata, 2 bad settings.
 */
@Command(name = "read-table", mixinStandardHelpOptions = true,
        description = "Reads the Iceberg tables back through the catalog (the output-mode iceberg settings).")
public final class ReadTableCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ConversionSettings.Values settings;
        try {
            settings = ConversionSettings.Values.from(SettingsResolver.resolve(ConversionSettings.ALL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), ConversionSettings.ALL),
                    System.getenv(), Map.of()));
            if (settings.outputMode() != OutputMode.ICEBERG) {
                throw new SettingsException(java.util.List.of("read-table needs --output-mode iceberg"));
            }
        } catch (SettingsException e) {
            spec.commandLine().getErr().println("read-table: " + e.getMessage());
            return 2;
        }
        SparkSession spark = LocalSpark.start(2, "ndjson-parquet read-table");
        try {
            boolean consistent = true;
            for (String table : new String[] {settings.iceberg().table(), settings.iceberg().badRecordsTable()}) {
                TableReadBack t = TableReadBack.read(settings.iceberg(), table, spark);
                out.printf(Locale.ROOT, "table %s: %d append(s), %,d rows in the current snapshot, %,d read back%n",
                        t.table(), t.manifests().size(), t.rowsInMetadata(), t.rowsRead());
                for (TableReadBack.Append a : t.manifests()) {
                    out.printf(Locale.ROOT, "  snapshot %d  manifest %s  %,d rows%s%n", a.snapshotId(), a.manifestId(), a.rows(),
                            a.addedColumns().isEmpty() ? "" : "  added columns: " + String.join(", ", a.addedColumns()));
                }
                consistent &= t.rowsInMetadata() == t.rowsRead();
            }
            out.flush();
            return consistent ? 0 : 1;
        } finally {
            spark.stop();
        }
    }
}
