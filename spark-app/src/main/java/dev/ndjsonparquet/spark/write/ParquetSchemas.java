package dev.ndjsonparquet.spark.write;

import java.util.Map;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.execution.datasources.parquet.SparkToParquetSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/**
 * The Parquet schema and footer metadata Spark itself writes for a schema (standard lists and maps,
 * all columns optional as Spark's file writers make them), with timestamps as INT64 microseconds
 * adjusted to UTC. Reusing Spark's converter keeps the two write paths' files the same.
 */
public final class ParquetSchemas {

    private ParquetSchemas() {
    }

    public static MessageType of(StructType schema) {
        SparkToParquetSchemaConverter c = new SparkToParquetSchemaConverter(false,
                SQLConf.ParquetOutputTimestampType$.MODULE$.TIMESTAMP_MICROS(),
                SparkToParquetSchemaConverter.$lessinit$greater$default$3(),
                SparkToParquetSchemaConverter.$lessinit$greater$default$4());
        return c.convert(schema.asNullable());
    }

    /** The key-value metadata Spark reads back to restore its types exactly. */
    public static Map<String, String> footer(StructType schema) {
        return Map.of(ParquetWriteSupport.SPARK_ROW_SCHEMA(), schema.asNullable().json(),
                "org.apache.spark.version", org.apache.spark.package$.MODULE$.SPARK_VERSION_SHORT(),
                "writer.model.name", "ndjson-parquet columnar");
    }
}
