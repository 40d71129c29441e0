package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.commit.FencedCommits;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.internal.io.FileNameSpec;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import scala.Option;

/**
 * A manifest's bad records ({@link BadRecordsParquet}), written by one Spark task in the commit protocol that
 * commits the rows: the files go to the protocol's work path and become visible only at the job commit, which
 * checks the run's attempt fence (point {@link Checkpoints.Point#BAD_RECORDS}). A driver superseded by then
 * publishes no bad records, as it publishes no rows. (They were written by the driver straight into the output, so a
 * stale driver could add a second copy of every bad record beside a newer attempt's, issue 19.) A task, not the
 * driver, because a task attempt commits through Spark's output-commit coordinator, which only tasks reach.
 */
public final class BadRecordsCommit {

    private BadRecordsCommit() {
    }

    /** Writes and commits the staged bad records under {@code dir}; returns how many were written. */
    public static long write(SparkSession spark, Configuration conf, String dir, String manifestId,
                             List<BadRecordsParquet.Staged> staged, String compression, int zstdLevel) throws IOException {
        CommitProtocolJob job = CommitProtocolJob.setUp(spark, conf, dir);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableConfiguration> jobConf = jsc.broadcast(new SerializableConfiguration(job.configuration()));
        Task task = new Task(jobConf, job.committer(), job.jobTrackerId(), manifestId, new ArrayList<>(staged),
                compression, zstdLevel);
        try {
            spark.sparkContext().setJobDescription("bad records of " + manifestId);
            List<Written> written = jsc.parallelize(List.of(0), 1).mapPartitions(task).collect();
            FencedCommits.nextCommitIs(Checkpoints.Point.BAD_RECORDS);
            job.commit(written.stream().map(Written::commit).toList());
            return written.stream().mapToLong(Written::count).sum();
        } catch (RuntimeException | Error e) {
            job.abort();
            throw e;
        } finally {
            jobConf.destroy();
        }
    }

    /** What the task hands back: how many bad records it wrote, and its commit message. */
    record Written(long count, FileCommitProtocol.TaskCommitMessage commit) implements Serializable {
    }

    /** The one task: reads the staging files, writes the Parquet in its attempt's work path, commits the attempt. */
    private record Task(Broadcast<SerializableConfiguration> jobConf, FileCommitProtocol committer, String jobTrackerId,
                        String manifestId, List<BadRecordsParquet.Staged> staged, String compression, int zstdLevel)
            implements FlatMapFunction<Iterator<Integer>, Written> {

        @Override
        public Iterator<Written> call(Iterator<Integer> partition) throws IOException {
            TaskContext ctx = TaskContext.get();
            TaskAttemptContext attempt = CommitProtocolJob.taskContext(jobConf.value().value(), jobTrackerId,
                    ctx.stageId(), ctx.partitionId(), ctx.attemptNumber());
            committer.setupTask(attempt);
            try {
                long n = BadRecordsParquet.write(attempt.getConfiguration(), (i, extension) -> new Path(
                        committer.newTaskTempFile(attempt, Option.empty(),
                                FileNameSpec.apply("", String.format("-c%03d%s", i, extension)))),
                        manifestId, staged, compression, zstdLevel);
                return List.of(new Written(n, committer.commitTask(attempt))).iterator();
            } catch (IOException | RuntimeException | Error e) {
                committer.abortTask(attempt);
                throw e;
            }
        }
    }
}
