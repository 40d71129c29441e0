package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.read.FileSplitRange;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.internal.io.FileCommitProtocol;
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

    private ColumnarConversionJob() {
    }

    /** Converts the splits; returns each split's statistics (from the attempt that committed). */
    public static List<SplitStats> run(SparkSession spark, Configuration conf, ColumnarWriteSpec spec,
                                       List<FileSplitRange> splits) throws IOException {
        CommitProtocolJob job = CommitProtocolJob.setUp(spark, conf, spec.dataRoot());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ColumnarSplitTask task = newTask(jsc, spec, job.configuration(), job.committer(), job.jobTrackerId());
        List<ColumnarTaskResult> results;
        try {
            results = jsc.parallelize(splits, splits.size()).mapPartitions(task).collect();
            job.commit(results.stream().map(ColumnarTaskResult::commit).toList());
        } catch (Throwable t) {
            job.abort(); // the attempts' files are discarded; the driver's retry starts clean
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
                                     FileCommitProtocol committer, String jobTrackerId) {
        return new ColumnarSplitTask(jsc.broadcast(spec), jsc.broadcast(new SerializableConfiguration(jobConf)),
                committer, jobTrackerId);
    }
}
