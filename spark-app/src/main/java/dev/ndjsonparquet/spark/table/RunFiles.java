package dev.ndjsonparquet.spark.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetUtil;

/**
 * The Parquet files one run wrote under its directory, as Iceberg data files: column metrics from each footer
 * (mapped to the table's columns by name, as the files carry no field ids) and the partition value, either
 * given (ingest date) or read from the {@code <column>=<date>} directory Spark wrote the file into.
 */
public final class RunFiles {

    private static final String SPARK_NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    private RunFiles() {
    }

    /**
     * @param runDir        the directory the run wrote into
     * @param partitionDate the partition value for every file (ingest date), or null to read it from the directory
     * @param s3Paths       record {@code s3://} instead of {@code s3a://} (catalogs read by other engines)
     */
    public static List<DataFile> of(Table table, Configuration conf, String runDir, LocalDate partitionDate, boolean s3Paths) {
        NameMapping mapping = NameMappingParser.fromJson(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING));
        MetricsConfig metricsConfig = MetricsConfig.forTable(table);
        List<DataFile> files = new ArrayList<>();
        try {
            Path root = new Path(runDir);
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                return files;
            }
            List<LocatedFileStatus> parquet = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                LocatedFileStatus st = it.next();
                if (st.getPath().getName().endsWith(".parquet")) {
                    parquet.add(st);
                }
            }
            parquet.sort(Comparator.comparing(st -> st.getPath().toString()));
            for (LocatedFileStatus st : parquet) {
                String location = st.getPath().toString();
                Metrics metrics = ParquetUtil.fileMetrics(table.io().newInputFile(location, st.getLen()), metricsConfig,
                        mapping);
                DataFiles.Builder b = DataFiles.builder(table.spec())
                        .withPath(s3Paths ? toS3(location) : location)
                        .withFormat(FileFormat.PARQUET)
                        .withFileSizeInBytes(st.getLen())
                        .withMetrics(metrics);
                if (!table.spec().isUnpartitioned()) {
                    LocalDate date = partitionDate != null ? partitionDate
                            : dateOfDirectory(st.getPath().getParent().getName(), table.spec().fields().get(0).name());
                    PartitionData partition = new PartitionData(table.spec().partitionType());
                    partition.set(0, date == null ? null : (int) date.toEpochDay());
                    b.withPartition(partition);
                }
                files.add(b.build());
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the files of " + runDir, e);
        }
    }

    /** The date of a Hive-style directory {@code column=yyyy-MM-dd}; null for Spark's null partition. */
    static LocalDate dateOfDirectory(String dirName, String column) {
        String prefix = column + "=";
        if (!dirName.startsWith(prefix)) {
            throw new IllegalStateException("expected a directory " + prefix + "<date>, found " + dirName);
        }
        String value = dirName.substring(prefix.length());
        return value.equals(SPARK_NULL_PARTITION) ? null : LocalDate.parse(value);
    }

    static String toS3(String location) {
        return location.startsWith("s3a://") ? "s3://" + location.substring("s3a://".length()) : location;
    }
}
