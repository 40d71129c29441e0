package dev.ndjsonparquet.tables;

import dev.ndjsonparquet.conversion.IcebergCatalogType;
import dev.ndjsonparquet.conversion.IcebergSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/** Test helpers: a local JDBC catalog, tables shaped like the pipeline's, runs written and appended as a driver does. */
public final class LocalTables {

    public static final String TABLE = "lake.events";
    public static final String BAD_TABLE = "lake.bad_records";
    /** The bad-records table's columns, as the Spark application creates them (ids 1 to 8). */
    public static final Schema BAD_RECORDS = new Schema(
            Types.NestedField.optional(1, "manifest_id", Types.StringType.get()),
            Types.NestedField.optional(2, "file", Types.StringType.get()),
            Types.NestedField.optional(3, "line_number", Types.LongType.get()),
            Types.NestedField.optional(4, "reason", Types.StringType.get()),
            Types.NestedField.optional(5, "raw_line", Types.StringType.get()),
            Types.NestedField.optional(6, "raw_line_bytes", Types.LongType.get()),
            Types.NestedField.optional(7, "raw_line_truncated", Types.BooleanType.get()),
            Types.NestedField.optional(8, "recorded_at", Types.TimestampType.withZone()));

    private LocalTables() {
    }

    public static IcebergSettings settings(Path dir) {
        return new IcebergSettings(IcebergCatalogType.JDBC, "jdbc:sqlite:" + dir.resolve("catalog.db"),
                dir.resolve("warehouse").toUri().toString(), TABLE, BAD_TABLE, null, null);
    }

    public static Table create(Catalog c, String name, Schema schema) {
        TableIdentifier id = TableIdentifier.parse(name);
        if (c instanceof SupportsNamespaces ns && !ns.namespaceExists(id.namespace())) {
            ns.createNamespace(Namespace.of(id.namespace().levels()));
        }
        return c.createTable(id, schema, PartitionSpec.unpartitioned(), Map.of(TableProperties.FORMAT_VERSION, "2"));
    }

    /** Writes a run's file of {@code rows} bad records (line numbers from {@code firstLine}) without committing it. */
    public static DataFile writeRun(Table t, String manifestId, String run, int firstLine, int rows) {
        OutputFile out = t.io().newOutputFile(OrphanFiles.dataLocation(t) + "/manifest_id=" + manifestId + "/run=" + run
                + "/part-00000-" + UUID.randomUUID() + ".parquet");
        FileAppender<GenericRecord> a;
        try {
            a = Parquet.write(out).schema(t.schema())
                    .createWriterFunc(type -> InternalWriter.<GenericRecord>createWriter(t.schema(), type)).build();
            try (FileAppender<GenericRecord> w = a) {
                for (int i = 0; i < rows; i++) {
                    GenericRecord r = GenericRecord.create(t.schema());
                    r.setField("manifest_id", manifestId);
                    r.setField("file", "s3://in/" + manifestId + ".ndjson");
                    r.setField("line_number", (long) firstLine + i);
                    r.setField("reason", "invalid JSON");
                    r.setField("raw_line", "{bad " + manifestId + " " + (firstLine + i));
                    r.setField("raw_line_bytes", 12L);
                    r.setField("raw_line_truncated", false);
                    r.setField("recorded_at", (1_796_083_200L + i) * 1_000_000L); // internal form: microseconds
                    w.add(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return DataFiles.builder(t.spec()).withPath(out.location()).withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(a.length()).withMetrics(a.metrics()).build();
    }

    /** A manifest's run written and appended as one commit naming the manifest, as the driver does. */
    public static DataFile append(Table t, String manifestId, int firstLine, int rows) {
        DataFile f = writeRun(t, manifestId, UUID.randomUUID().toString(), firstLine, rows);
        t.newFastAppend().appendFile(f).set(SnapshotSummaries.MANIFEST_ID, manifestId).commit();
        return f;
    }

    /** Every row of the current snapshot, read with Iceberg's generic reader, as "manifest/line" strings. */
    public static List<String> rows(Table t) {
        t.refresh();
        List<String> out = new ArrayList<>();
        try (CloseableIterable<Record> rs = IcebergGenerics.read(t).build()) {
            for (Record r : rs) {
                out.add(r.getField("manifest_id") + "/" + r.getField("line_number") + "/" + r.getField("raw_line"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }
}
