package dev.ndjsonparquet.conversion;

import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The conversion settings, each declared once. The Spark application reads them; the dispatcher and
 * {@code render} validate them before anything runs. Read once into {@link Values}.
 */
public final class ConversionSettings {

    public static final Setting<String> SCHEMA = Setting.string("schema").env("SCHEMA")
            .check(SchemaText::problem)
            .describedAs("Explicit schema: Spark DDL inline (`id BIGINT, ts TIMESTAMP, ...`; checked where it is set, the "
                    + "controllers' start-up included) or the path/URI of a file holding DDL or Spark's JSON schema form (one "
                    + "token: a scheme like `s3://`, a path, or a name ending in .ddl, .json or .schema). The fast, recommended "
                    + "production setting. Empty: the manifest's schema, else inferred from a sample of each file.")
            .build();
    public static final Setting<SchemaMismatch> SCHEMA_MISMATCH = Setting.oneOf("schema-mismatch", SchemaMismatch.class)
            .env("SCHEMA_MISMATCH").defaultValue(SchemaMismatch.RESCUE)
            .describedAs("A value that does not fit the schema (wrong type, unknown field): `rescue` keeps the row "
                    + "and the value in `_rescued_data`; `bad-record` turns the line into a bad record.")
            .build();
    public static final Setting<SchemaEvolution> SCHEMA_EVOLUTION = Setting.oneOf("schema-evolution",
                    SchemaEvolution.class)
            .env("SCHEMA_EVOLUTION")
            .describedAs("Fields a manifest brings that the schema (and the Iceberg table) lacks: `add-new-columns` adds "
                    + "them as columns, nested ones too; `add-new-columns-with-type-widening` also widens int to long, "
                    + "float to double, decimal precision; `rescue` keeps them in `_rescued_data`; `fail-on-new-columns` "
                    + "stops the manifest naming them; `none` never changes the table's schema. Empty: `add-new-columns` "
                    + "without a schema, `rescue` with one (`schema` or the manifest's). New fields are found in the sample of each file "
                    + "(`infer-sample-lines`); later ones go to `_rescued_data`. See docs/iceberg.md.")
            .build();
    public static final Setting<Integer> INFER_SAMPLE_LINES = Setting.integer("infer-sample-lines")
            .env("INFER_SAMPLE_LINES").defaultValue(1000).atLeast(1)
            .describedAs("Without an explicit schema: lines read from the start of each file to infer one (fewer when a file's"
                    + " share of the 64 MiB sample, 16 KiB to 4 MiB, is reached first).")
            .build();
    public static final Setting<String> COMPRESSION = Setting.string("compression").env("PARQUET_COMPRESSION")
            .defaultValue("zstd")
            .check(v -> Set.of("zstd", "snappy", "gzip", "lz4_raw", "uncompressed").contains(v) ? Optional.empty()
                    : Optional.of("expected zstd, snappy, gzip, lz4_raw or uncompressed"))
            .describedAs("Parquet compression codec.")
            .build();
    public static final Setting<PartitionMode> PARTITION_BY = Setting.of("partition-by", "partitioning", PartitionMode::parse)
            .env("PARTITION_BY").defaultValue(PartitionMode.parse("ingest-date"))
            .describedAs("`ingest-date` (the manifest's creation date), `event-date:<top-level field>` (the date of a "
                    + "timestamp field), or `none`. Below it, each manifest has its own `manifest_id=` directory.")
            .build();
    public static final Setting<Integer> SPLIT_SIZE_MB = Setting.integer("split-size-mb").env("SPLIT_SIZE_MB")
            .defaultValue(512).atLeast(1)
            .describedAs("Uncompressed inputs are read in splits of this size, one task each (compressed files are one task).")
            .build();
    public static final Setting<Integer> TARGET_FILE_SIZE_MB = Setting.integer("target-file-size-mb")
            .env("TARGET_FILE_SIZE_MB").defaultValue(256).atLeast(1)
            .describedAs("Aimed-at size of each Parquet file: the columnar writer closes a file once it has written "
                    + "this much; the Spark writer turns it into a row cap per file from the sampled line size and "
                    + "`compression-ratio-estimate`.")
            .build();
    public static final Setting<Double> COMPRESSION_RATIO_ESTIMATE = Setting.decimal("compression-ratio-estimate")
            .env("COMPRESSION_RATIO_ESTIMATE").defaultValue(6.0).atLeast(1)
            .describedAs("Expected NDJSON bytes per Parquet byte, used only to size output files of the Spark writer.")
            .build();
    public static final Setting<Integer> MAX_LINE_BYTES = Setting.integer("max-line-bytes").env("MAX_LINE_BYTES")
            .defaultValue(64 << 20).atLeast(1024)
            .describedAs("A longer line is a bad record (`line longer than ...`) instead of a row.")
            .build();
    public static final Setting<Integer> BAD_RECORD_RAW_MAX_BYTES = Setting.integer("bad-record-raw-max-bytes")
            .env("BAD_RECORD_RAW_MAX_BYTES").defaultValue(65_536).atLeast(0)
            .describedAs("Bytes of the raw line kept in a bad record (`raw_line`); `raw_line_bytes` always has the full "
                    + "length and `raw_line_truncated` says whether it was cut.")
            .build();

    // Iceberg output (issue 13).
    public static final Setting<OutputMode> OUTPUT_MODE = Setting.oneOf("output-mode", OutputMode.class)
            .env("OUTPUT_MODE").defaultValue(OutputMode.PARQUET)
            .describedAs("`parquet`: plain Parquet directories; a manifest's rows are complete once `_results/<id>.json` "
                    + "exists. `iceberg`: the same files committed as one Apache Iceberg append per manifest (all of a "
                    + "manifest's rows visible at once, or none); see docs/iceberg.md.")
            .build();
    public static final Setting<IcebergCatalogType> ICEBERG_CATALOG_TYPE = Setting.oneOf("iceberg-catalog-type",
                    IcebergCatalogType.class)
            .env("ICEBERG_CATALOG_TYPE").defaultValue(IcebergCatalogType.JDBC)
            .describedAs("Iceberg catalog: `jdbc` (local SQLite file: convert, demo, tests), `hadoop` (local or HDFS "
                    + "warehouse only), `glue` (AWS Glue Data Catalog) or `rest` (Iceberg REST, including S3 Tables).")
            .build();
    public static final Setting<String> ICEBERG_CATALOG_URI = Setting.string("iceberg-catalog-uri")
            .env("ICEBERG_CATALOG_URI")
            .describedAs("`jdbc`: the JDBC URL (`jdbc:sqlite:/path/catalog.db`); `rest`: the endpoint "
                    + "(`https://s3tables.<region>.amazonaws.com/iceberg`); unused by `glue` and `hadoop`.")
            .build();
    public static final Setting<String> ICEBERG_WAREHOUSE = Setting.string("iceberg-warehouse").env("ICEBERG_WAREHOUSE")
            .describedAs("Where new tables' files go: `s3://bucket/prefix` (glue, jdbc), a local path (jdbc, hadoop), "
                    + "or for S3 Tables the table bucket's ARN.")
            .build();
    public static final Setting<String> ICEBERG_TABLE = Setting.string("iceberg-table").env("ICEBERG_TABLE")
            .defaultValue("ndjson.events")
            .describedAs("`namespace.table` of the rows; created on first use from the schema.")
            .build();
    public static final Setting<String> ICEBERG_BAD_RECORDS_TABLE = Setting.string("iceberg-bad-records-table")
            .env("ICEBERG_BAD_RECORDS_TABLE").defaultValue("ndjson.bad_records")
            .describedAs("`namespace.table` of the bad records; created on first use.")
            .build();
    public static final Setting<String> ICEBERG_REST_SIGNING_NAME = Setting.string("iceberg-rest-signing-name")
            .env("ICEBERG_REST_SIGNING_NAME")
            .describedAs("`rest` only: sign requests with SigV4 for this service (`s3tables` for S3 Tables, `glue` for "
                    + "Glue's REST endpoint); empty: no signing.")
            .build();
    public static final Setting<String> ICEBERG_CATALOG_PROPERTIES = Setting.string("iceberg-catalog-properties")
            .env("ICEBERG_CATALOG_PROPERTIES").secret()
            .describedAs("Further Iceberg catalog properties, `key=value` separated by commas (e.g. `glue.id=123456789012`). "
                    + "Never logged.")
            .build();

    // Columnar write path (issue 15).
    public static final Setting<WriterEngine> PARQUET_WRITER = Setting.oneOf("parquet-writer", WriterEngine.class)
            .env("PARQUET_WRITER").defaultValue(WriterEngine.COLUMNAR)
            .describedAs("`columnar`: lines parsed straight into column buffers and written as Parquet column chunks "
                    + "in the tasks (one Spark job a manifest); `spark`: rows through Spark's DataFrame writer (the "
                    + "reference in tests; about twice the CPU).")
            .build();
    public static final Setting<Integer> ZSTD_LEVEL = Setting.integer("zstd-level").env("PARQUET_ZSTD_LEVEL")
            .defaultValue(3).atLeast(1)
            .check(v -> v <= 19 ? Optional.empty() : Optional.of("expected 1 to 19"))
            .describedAs("zstd level when `compression` is zstd (3: parquet-java's and DuckDB's default; 1 is a few "
                    + "percent cheaper and larger).")
            .build();

    // Cost per manifest (issue 12).
    public static final Setting<Double> EXECUTOR_CORE_HOUR_PRICE_USD = Setting.decimal("executor-core-hour-price-usd")
            .env("EXECUTOR_CORE_HOUR_PRICE_USD").defaultValue(0.0207).atLeast(0)
            .describedAs("Price of one executor core for an hour, for the cost estimate of each manifest in its result "
                    + "record and the dispatcher's metrics. Default: `plan`'s spot m6i.4xlarge (0.31 USD an hour) over its "
                    + "15 usable vCPUs, rounded.")
            .build();

    public static final List<Setting<?>> ALL = List.of(SCHEMA, SCHEMA_MISMATCH, SCHEMA_EVOLUTION, INFER_SAMPLE_LINES, COMPRESSION,
            PARTITION_BY, SPLIT_SIZE_MB, TARGET_FILE_SIZE_MB, COMPRESSION_RATIO_ESTIMATE, MAX_LINE_BYTES,
            BAD_RECORD_RAW_MAX_BYTES,
            OUTPUT_MODE, ICEBERG_CATALOG_TYPE, ICEBERG_CATALOG_URI, ICEBERG_WAREHOUSE, ICEBERG_TABLE,
            ICEBERG_BAD_RECORDS_TABLE, ICEBERG_REST_SIGNING_NAME, ICEBERG_CATALOG_PROPERTIES,
            PARQUET_WRITER, ZSTD_LEVEL, EXECUTOR_CORE_HOUR_PRICE_USD);

    private ConversionSettings() {
    }

    /** The resolved values, immutable. */
    public record Values(String schema, SchemaMismatch mismatch, int inferSampleLines, String compression,
                         PartitionMode partitionBy, long splitBytes, long targetFileBytes, double compressionRatio,
                         int maxLineBytes, int badRecordRawMaxBytes,
                         OutputMode outputMode, IcebergSettings iceberg,
                         WriterEngine writer, int zstdLevel, double executorCoreHourPriceUsd,
                         SchemaEvolution evolution) implements java.io.Serializable {

        /** @throws dev.ndjsonparquet.settings.SettingsException when the Iceberg settings do not fit together */
        public static Values from(ResolvedSettings s) {
            String schema = s.get(SCHEMA);
            IcebergSettings iceberg = new IcebergSettings(s.get(ICEBERG_CATALOG_TYPE), s.get(ICEBERG_CATALOG_URI),
                    s.get(ICEBERG_WAREHOUSE), s.get(ICEBERG_TABLE), s.get(ICEBERG_BAD_RECORDS_TABLE),
                    s.get(ICEBERG_REST_SIGNING_NAME), s.get(ICEBERG_CATALOG_PROPERTIES));
            if (s.get(OUTPUT_MODE) == OutputMode.ICEBERG && !iceberg.problems().isEmpty()) {
                throw new dev.ndjsonparquet.settings.SettingsException(iceberg.problems());
            }
            return new Values(schema == null || schema.isBlank() ? null : schema, s.get(SCHEMA_MISMATCH),
                    s.get(INFER_SAMPLE_LINES), s.get(COMPRESSION), s.get(PARTITION_BY),
                    (long) s.get(SPLIT_SIZE_MB) << 20, (long) s.get(TARGET_FILE_SIZE_MB) << 20,
                    s.get(COMPRESSION_RATIO_ESTIMATE), s.get(MAX_LINE_BYTES), s.get(BAD_RECORD_RAW_MAX_BYTES),
                    s.get(OUTPUT_MODE), iceberg, s.get(PARQUET_WRITER), s.get(ZSTD_LEVEL),
                    s.get(EXECUTOR_CORE_HOUR_PRICE_USD), s.get(SCHEMA_EVOLUTION));
        }

        /** The evolution mode in force without a manifest schema: the setting, else by whether {@code schema} is set. */
        public SchemaEvolution schemaEvolution() {
            return schemaEvolution(false);
        }

        /** The evolution mode in force: the setting, else {@code rescue} when a schema is given (setting or manifest). */
        public SchemaEvolution schemaEvolution(boolean manifestHasSchema) {
            return evolution != null ? evolution
                    : schema == null && !manifestHasSchema ? SchemaEvolution.ADD_NEW_COLUMNS : SchemaEvolution.RESCUE;
        }

        /** Every setting at its default. */
        public static Values defaults() {
            return from(dev.ndjsonparquet.settings.SettingsResolver.resolve(ALL, java.util.Map.of(), java.util.Map.of(),
                    java.util.Map.of()));
        }

        public Values withSchema(String ddlOrPath) {
            return new Values(ddlOrPath, mismatch, inferSampleLines, compression, partitionBy, splitBytes,
                    targetFileBytes, compressionRatio, maxLineBytes, badRecordRawMaxBytes, outputMode, iceberg,
                    writer, zstdLevel, executorCoreHourPriceUsd, evolution);
        }

        public Values withPartitionBy(PartitionMode mode) {
            return new Values(schema, mismatch, inferSampleLines, compression, mode, splitBytes,
                    targetFileBytes, compressionRatio, maxLineBytes, badRecordRawMaxBytes, outputMode, iceberg,
                    writer, zstdLevel, executorCoreHourPriceUsd, evolution);
        }

        public Values withSplitBytes(long bytes) {
            return new Values(schema, mismatch, inferSampleLines, compression, partitionBy, bytes,
                    targetFileBytes, compressionRatio, maxLineBytes, badRecordRawMaxBytes, outputMode, iceberg,
                    writer, zstdLevel, executorCoreHourPriceUsd, evolution);
        }

        /** These settings writing Iceberg through the given catalog settings. */
        public Values withIceberg(IcebergSettings settings) {
            return new Values(schema, mismatch, inferSampleLines, compression, partitionBy, splitBytes,
                    targetFileBytes, compressionRatio, maxLineBytes, badRecordRawMaxBytes, OutputMode.ICEBERG, settings,
                    writer, zstdLevel, executorCoreHourPriceUsd, evolution);
        }

        public Values withMismatch(SchemaMismatch m) {
            return new Values(schema, m, inferSampleLines, compression, partitionBy, splitBytes,
                    targetFileBytes, compressionRatio, maxLineBytes, badRecordRawMaxBytes, outputMode, iceberg,
                    writer, zstdLevel, executorCoreHourPriceUsd, evolution);
        }

        public Values withWriter(WriterEngine w) {
            return new Values(schema, mismatch, inferSampleLines, compression, partitionBy, splitBytes,
                    targetFileBytes, compressionRatio, maxLineBytes, badRecordRawMaxBytes, outputMode, iceberg, w, zstdLevel,
                    executorCoreHourPriceUsd, evolution);
        }

        public Values withSchemaEvolution(SchemaEvolution e) {
            return new Values(schema, mismatch, inferSampleLines, compression, partitionBy, splitBytes,
                    targetFileBytes, compressionRatio, maxLineBytes, badRecordRawMaxBytes, outputMode, iceberg,
                    writer, zstdLevel, executorCoreHourPriceUsd, e);
        }
    }
}
