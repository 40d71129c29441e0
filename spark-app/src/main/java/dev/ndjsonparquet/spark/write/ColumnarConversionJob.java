package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.read.FileSplitRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.internal.io.SparkHadoopWriterUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver side of the columnar write path: one Spark job, one task per split, inside Spark's file
 * commit protocol (the class Spark SQL would use, {@code spark.sql.sources.commitProtocolClass}, so on
 * S3 the S3A magic committer): set up the job, run the tasks (each commits its attempt), commit the
 * job with the messages of the successful attempts, or abort it.
 */
public final class ColumnarConversionJob {

    private static final Logger LOG = LoggerFactory.getLogger(ColumnarConversionJob.class);
    private static final String DEFAULT_PROTOCOL =
            "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol";

    private ColumnarConversionJob() {
    }

    /** Converts the splits; returns each split's statistics (from the attempt that committed). */
    public static List<SplitStats> run(SparkSession spark, Configuration conf, ColumnarWriteSpec spec,
                                       List<FileSplitRange> splits) throws IOException {
        String protocol = spark.conf().get("spark.sql.sources.commitProtocolClass", DEFAULT_PROTOCOL);
        FileCommitProtocol committer = FileCommitProtocol.instantiate(protocol, UUID.randomUUID().toString(),
                spec.dataRoot(), false);
        Job job = Job.getInstance(new Configuration(conf));
        job.setOutputKeyClass(Void.class);
        job.setOutputValueClass(Void.class);
        FileOutputFormat.setOutputPath(job, new Path(spec.dataRoot()));
        committer.setupJob(job);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ColumnarSplitTask task = newTask(jsc, spec, job.getConfiguration(), committer);
        List<ColumnarTaskResult> results;
        try {
            results = jsc.parallelize(splits, splits.size()).mapPartitions(task).collect();
            List<FileCommitProtocol.TaskCommitMessage> messages = new ArrayList<>();
            for (ColumnarTaskResult r : results) {
                committer.onTaskCommit(r.commit());
                messages.add(r.commit());
            }
            committer.commitJob(job, scala.jdk.javaapi.CollectionConverters.asScala(messages).toList());
        } catch (Throwable t) {
            committer.abortJob(job); // the attempts' files are discarded; the driver's retry starts clean
            throw t;
        } finally {
            task.release();
        }
        long slow = results.stream().mapToLong(ColumnarTaskResult::slowLines).sum();
        LOG.info("columnar write: {} splits, {} lines through the reference converter", splits.size(), slow);
        return results.stream().map(ColumnarTaskResult::stats).toList();
    }

    /**
     * The task function of one job. The Hadoop configuration (about 110 KB serialised: every default
     * property with its source) and the spec (its schema grows with the columns) are broadcast, so the
     * function itself holds only references, the committer and the job's id; each task's own payload is
     * its split (with its file's pin).
     */
    static ColumnarSplitTask newTask(JavaSparkContext jsc, ColumnarWriteSpec spec, Configuration jobConf,
                                     FileCommitProtocol committer) {
        return new ColumnarSplitTask(jsc.broadcast(spec), jsc.broadcast(new SerializableConfiguration(jobConf)),
                committer, SparkHadoopWriterUtils.createJobTrackerID(new Date()));
    }
}
