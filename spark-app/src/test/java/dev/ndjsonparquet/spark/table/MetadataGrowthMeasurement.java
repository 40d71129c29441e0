package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
import dev.ndjsonparquet.tables.OrphanFiles;
import dev.ndjsonparquet.tables.TableMaintenance;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.maintenance.SnapshotExpiry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: figures for docs/iceberg.md. N appends of one (placeholder) data file each, as a manifest's commit
 * makes, on the local JDBC catalog, with and without maintenance every {@code every} appends; prints, every
 * {@code checkpoint} appends, the metadata directory's size and the mean commit time of the last 100 appends. Run
 * with {@code -Dndjsonparquet.measure=true -Dtest=MetadataGrowthMeasurement [-Dappends=N] [-Dmodes=without,with]
 * [-Dcheckpoint=500]} (or with {@code java} on the test classpath and {@code main}).
 */
@EnabledIfSystemProperty(named = "ndjsonparquet.measure", matches = "true")
class MetadataGrowthMeasurement {

    @TempDir
    Path dir;

    @Test
    void measure() throws IOException {
        run(dir);
    }

    /** Outside Maven, in a directory kept afterwards: {@code java -cp ... MetadataGrowthMeasurement <dir>}. */
    public static void main(String[] args) throws IOException {
        run(Path.of(args[0]));
    }

    static void run(Path dir) throws IOException {
        int n = Integer.getInteger("appends", 1000);
        int checkpoint = Integer.getInteger("checkpoint", 500);
        int every = Integer.getInteger("every", 100);
        for (String mode : System.getProperty("modes", "without,with").split(",")) {
            boolean maintain = mode.equals("with");
            Path root = dir.resolve(mode);
            IcebergSettings s = IcebergFixture.localCatalog(Files.createDirectories(root), root.resolve("wh").toUri().toString());
            Catalog c = IcebergCatalogs.load(s, new Configuration());
            try {
                Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
                Table t = TableSetup.ensure(c, TableIdentifier.parse(IcebergFixture.TABLE), schema,
                        IcebergSchemas.spec(schema, PartitionMode.parse("none")));
                long windowNanos = 0;
                long maintenanceNanos = 0;
                long started = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    ManifestAppends.appendOnce(t, "m-" + i, List.of(DataFiles.builder(t.spec())
                            .withPath(root.resolve("data/f-" + i + ".parquet").toString()).withFormat(FileFormat.PARQUET)
                            .withFileSizeInBytes(100_000_000).withRecordCount(1_000_000).build()), Map.of());
                    windowNanos += System.nanoTime() - t0;
                    if (maintain && (i + 1) % every == 0) {
                        long m0 = System.nanoTime();
                        maintain(t);
                        maintenanceNanos += System.nanoTime() - m0;
                    }
                    if ((i + 1) % 100 == 0) {
                        if ((i + 1) % checkpoint == 0 || i + 1 == n) {
                            report(t, mode, i + 1, windowNanos / 1e8, maintenanceNanos, System.nanoTime() - started);
                        }
                        windowNanos = 0;
                    }
                }
            } finally {
                IcebergCatalogs.close(c);
            }
        }
    }

    private static void maintain(Table t) {
        // What maintain does to the rows table. Every snapshot counts as old (a clock far ahead); every manifest has
        // its result record.
        Instant later = Instant.now().plus(Duration.ofDays(400));
        SnapshotExpiry.RetryBounds bounds = new SnapshotExpiry.RetryBounds(Duration.ofDays(4), Duration.ofDays(14), 3,
                Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofHours(2));
        TableMaintenance.run(t, later, bounds, null, id -> true);
        OrphanFiles.remove(t, later, bounds.minimumOrphanAge());
    }

    private static void report(Table t, String mode, int appends, double meanCommitMs, long maintenanceNanos,
                               long elapsedNanos) throws IOException {
        t.refresh();
        Path metadata = Path.of(java.net.URI.create(t.location() + "/metadata"));
        long bytes;
        long files;
        try (Stream<Path> w = Files.walk(metadata)) {
            List<Path> all = w.filter(Files::isRegularFile).toList();
            files = all.size();
            bytes = all.stream().mapToLong(p -> p.toFile().length()).sum();
        }
        long current = Path.of(java.net.URI.create(
                ((HasTableOperations) t).operations().current().metadataFileLocation())).toFile().length();
        System.out.printf("MEASURE mode=%s appends=%d metadataDirBytes=%d metadataFiles=%d currentMetadataJsonBytes=%d"
                        + " meanCommitMsLast100=%.1f maintenanceSecondsTotal=%.1f elapsedSeconds=%.0f%n", mode, appends,
                bytes, files, current, meanCommitMs, maintenanceNanos / 1e9, elapsedNanos / 1e9);
    }
}
