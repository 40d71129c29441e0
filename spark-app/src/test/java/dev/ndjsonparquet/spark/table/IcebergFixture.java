package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.IcebergCatalogs;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.IcebergCatalogType;
import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.job.LocalSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import java.util.Map;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.PartitionUtil;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.SparkSession;

/** Test helpers: a Spark session of its own (Iceberg mode sets session settings), a local catalog, inputs, reads. */
final class IcebergFixture {

    static final String TABLE = "lake.events";
    static final String BAD_TABLE = "lake.bad_records";

    private IcebergFixture() {
    }

    /** A session of its own over the module's one Spark context: SQL settings stay out of other tests. */
    static SparkSession session() {
        SparkSession s = LocalSpark.start(2, "ndjson-parquet tests").newSession();
        LocalSpark.applyRequired(s);
        return s;
    }

    static IcebergSettings localCatalog(Path dir, String warehouse) {
        return new IcebergSettings(IcebergCatalogType.JDBC, "jdbc:sqlite:" + dir.resolve("catalog.db"), warehouse,
                TABLE, BAD_TABLE, null, null);
    }

    static ConversionSettings.Values settings(IcebergSettings iceberg) {
        return ConversionSettings.Values.defaults().withSchema("id BIGINT, v STRING, ts TIMESTAMP")
                .withSplitBytes(16_384).withIceberg(iceberg);
    }

    /** A file of {@code n} rows with ids from {@code firstId}, and {@code bad} lines that are not JSON. */
    static Path input(Path dir, String name, long firstId, int n, int bad) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            long id = firstId + i;
            sb.append("{\"id\":").append(id).append(",\"v\":\"v").append(id).append("\",\"ts\":\"2026-11-2")
                    .append(i % 3).append("T10:00:00Z\"}\n");
            if (i < bad) {
                sb.append("not json ").append(id).append('\n');
            }
        }
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, sb, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String manifestOf(Path out, Instant created, Path... files) {
        try {
            List<ManifestFile> mf = new ArrayList<>();
            for (Path f : files) {
                mf.add(new ManifestFile(f.toUri().toString(), Files.size(f), null));
            }
            Manifest m = Manifest.of(created, mf, out.toUri().toString(), null);
            Path file = out.resolve("_manifests").resolve(m.manifestId() + ".json");
            Files.createDirectories(file.getParent());
            Files.write(file, ManifestCodec.encode(m));
            return file.toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String idOf(String manifestUri) {
        String name = manifestUri.substring(manifestUri.lastIndexOf('/') + 1);
        return name.substring(0, name.length() - ".json".length());
    }

    /**
     * Every row of the table's current snapshot, read as an engine does: the snapshot's files, columns matched
     * through the table's name mapping (the files have no field ids), identity partition values from metadata.
     * Iceberg's own {@code IcebergGenerics} (iceberg-data 1.12) ignores the name mapping and falls back to
     * column positions, which is wrong once a later manifest adds a column; so the reader is assembled here.
     */
    static List<Record> rows(Table table) {
        List<Record> out = new ArrayList<>();
        Schema schema = table.schema();
        NameMapping mapping = NameMappingParser.fromJson(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING));
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                Map<Integer, ?> constants = PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
                try (CloseableIterable<Record> it = Parquet.read(table.io().newInputFile(task.file().location()))
                        .project(schema).withNameMapping(mapping)
                        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema, constants))
                        .build()) {
                    it.forEach(r -> out.add(r.copy()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The snapshots (whole history) whose summary names the manifest. */
    static List<Snapshot> snapshotsOf(Table table, String manifestId) {
        List<Snapshot> out = new ArrayList<>();
        table.snapshots().forEach(s -> {
            if (manifestId.equals(s.summary().get(ManifestAppends.MANIFEST_ID))) {
                out.add(s);
            }
        });
        return out;
    }

    /** The table as the catalog has it now (its data files stay readable after the catalog is closed). */
    static Table load(IcebergSettings s, String table, org.apache.hadoop.conf.Configuration conf) {
        Catalog c = IcebergCatalogs.load(s, conf);
        try {
            return c.loadTable(TableIdentifier.parse(table));
        } finally {
            IcebergCatalogs.close(c);
        }
    }
}
