package dev.ndjsonparquet.spark.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.SchemaMismatch;
import dev.ndjsonparquet.spark.job.LocalSpark;
import dev.ndjsonparquet.spark.read.FileSplitRange;
import dev.ndjsonparquet.spark.read.SplitPlanner;
import dev.ndjsonparquet.spark.source.SourcePin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * What each conversion task carries, measured with Java serialisation (Spark's closure serialiser) on a
 * large manifest (3,000 files of 1 GB, 24,000 splits) and a wide schema (1,000 columns): the task
 * function of both write paths and one split stay small, whatever the size of the manifest. They used
 * to capture the job's Hadoop configuration by value (about 110 KB of default properties) with a pin
 * for every file of the manifest in it (1.7 MB more for 3,000 files).
 */
class TaskClosureSizeTest {

    private static final int FILES = 3000;
    private static final int MAX_TASK_FUNCTION_BYTES = 64 * 1024;
    private static final int MAX_SPLIT_BYTES = 2 * 1024;

    @Test
    void aTaskCarriesItsSplitAndReferencesNotTheManifestOrTheConfiguration() throws Exception {
        SparkSession spark = LocalSpark.start(1, "task-size-test");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        StructType schema = wideSchema(1000);
        List<FileSplitRange> splits = pinnedSplits();
        assertEquals(FILES * 8, splits.size());

        Configuration jobConf = Job.getInstance(new Configuration(spark.sparkContext().hadoopConfiguration()))
                .getConfiguration();
        FileCommitProtocol committer = FileCommitProtocol.instantiate(
                "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol", "job-1",
                "/tmp/task-size/data", false);
        ColumnarWriteSpec spec = new ColumnarWriteSpec(schema, SchemaMismatch.RESCUE, -1, "/tmp/task-size/data",
                "/tmp/task-size/staging", 1 << 20, 1 << 16, "zstd", 3, 1L << 30, 128L << 20, null,
                org.apache.spark.sql.types.Metadata.empty());

        // The threshold means something: what the tasks carried by value before is well above it.
        int confBytes = serialisedSize(new SerializableConfiguration(jobConf));
        assertTrue(confBytes > MAX_TASK_FUNCTION_BYTES, "the configuration alone is " + confBytes + " bytes");

        ColumnarSplitTask columnar = ColumnarConversionJob.newTask(jsc, spec, jobConf, committer, "20261207000000");
        SplitConverter sparkWriter = new SplitConverter(jsc.broadcast(schema), SchemaMismatch.RESCUE, -1, "/tmp/task-size/staging",
                1 << 20, 1 << 16, jsc.broadcast(new SerializableConfiguration(jobConf)),
                spark.sparkContext().collectionAccumulator("stats"), null);
        try {
            int columnarBytes = serialisedSize(columnar);
            int sparkWriterBytes = serialisedSize(sparkWriter);
            int splitBytes = splits.stream().mapToInt(TaskClosureSizeTest::serialisedSizeUnchecked).max().orElseThrow();
            System.out.printf("task function: columnar %d bytes, spark writer %d bytes; largest split %d bytes;"
                    + " job configuration %d bytes%n", columnarBytes, sparkWriterBytes, splitBytes, confBytes);
            assertTrue(columnarBytes < MAX_TASK_FUNCTION_BYTES, "columnar task function: " + columnarBytes + " bytes");
            assertTrue(sparkWriterBytes < MAX_TASK_FUNCTION_BYTES, "spark-writer task function: " + sparkWriterBytes + " bytes");
            assertTrue(splitBytes < MAX_SPLIT_BYTES, "one split: " + splitBytes + " bytes");

            // A split brings its own file's pin to the task (and only that one).
            FileSplitRange last = roundTrip(splits.get(splits.size() - 1));
            assertEquals(pinOf(FILES - 1), last.pin());
        } finally {
            columnar.release();
        }
    }

    private static List<FileSplitRange> pinnedSplits() {
        List<SplitPlanner.PlannedFile> files = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            files.add(new SplitPlanner.PlannedFile(i, pinOf(i).path(), 1L << 30));
        }
        return SplitPlanner.plan(files, 128L << 20).stream().map(s -> s.withPin(pinOf(s.fileIndex()))).toList();
    }

    private static SourcePin pinOf(int file) {
        return new SourcePin("s3a://events-bucket/raw/2026/11/30/part-" + file + ".ndjson", 1L << 30,
                1_764_460_800_000L + file, "\"0123456789abcdef0123456789abcd" + (file % 100) + "\"", "version-" + file);
    }

    private static StructType wideSchema(int columns) {
        StructType s = new StructType();
        for (int i = 0; i < columns; i++) {
            s = s.add("attribute_column_number_" + i, switch (i % 4) {
                case 0 -> DataTypes.StringType;
                case 1 -> DataTypes.LongType;
                case 2 -> DataTypes.TimestampType;
                default -> DataTypes.createArrayType(new StructType().add("k", DataTypes.StringType)
                        .add("v", DataTypes.DoubleType));
            });
        }
        return s;
    }

    private static int serialisedSize(Object o) throws IOException {
        return bytes(o).length;
    }

    private static int serialisedSizeUnchecked(Object o) {
        try {
            return serialisedSize(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes(o)))) {
            return (T) in.readObject();
        }
    }
}
