package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.conversion.SchemaMismatch;
import java.io.Serializable;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;

/**
 * What a columnar conversion task needs to know, fixed by the driver for the whole manifest.
 *
 * @param schema          the data columns (without {@code _rescued_data})
 * @param eventDateField  index of the top-level field whose date partitions the rows, or -1
 * @param dataRoot        the job's output directory (files go to the committer's work path under it)
 * @param stagingDir      where the tasks' bad-record staging files go
 * @param compression     Parquet codec name
 * @param zstdLevel       zstd level when the codec is zstd
 * @param targetFileBytes a file is closed once it reaches about this size
 * @param rowGroupBytes   a row group is cut when this much is buffered
 * @param checkpointsClass the class of checkpoints each task instantiates ({@code Checkpoints#CLASS_SETTING}), or null
 * @param rescuedMetadata the metadata of the {@code _rescued_data} column (its Iceberg field id, or empty)
 */
public record ColumnarWriteSpec(StructType schema, SchemaMismatch mismatch, int eventDateField, String dataRoot,
                                String stagingDir, int maxLineBytes, int rawMaxBytes, String compression,
                                int zstdLevel, long targetFileBytes, long rowGroupBytes, String checkpointsClass,
                                Metadata rescuedMetadata)
        implements Serializable {

    /** The columns as written: the data columns and {@code _rescued_data}. */
    public StructType fileSchema() {
        return schema.add(new org.apache.spark.sql.types.StructField(
                dev.ndjsonparquet.spark.parse.JsonRowConverter.RESCUED_COLUMN,
                org.apache.spark.sql.types.DataTypes.StringType, true,
                rescuedMetadata == null ? Metadata.empty() : rescuedMetadata));
    }
}
