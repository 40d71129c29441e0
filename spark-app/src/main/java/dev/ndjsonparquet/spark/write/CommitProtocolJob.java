package dev.ndjsonparquet.spark.write;

import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.internal.io.SparkHadoopWriterUtils;
import org.apache.spark.sql.SparkSession;

/**
 * One write job in the session's file commit protocol (the class Spark SQL would use,
 * {@code spark.sql.sources.commitProtocolClass}: the fenced form while a run is entered, the S3A magic committer on
 * S3), driven by this code instead of Spark's DataFrame writer: set up, task attempts, commit or abort. Files get
 * Spark's names, {@code part-<partition>-<job id>...}, so a run's files are told from any other run's by the id.
 */
final class CommitProtocolJob {

    private static final String DEFAULT_PROTOCOL =
            "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol";

    private final FileCommitProtocol committer;
    private final Job job;
    private final String jobTrackerId;

    private CommitProtocolJob(FileCommitProtocol committer, Job job, String jobTrackerId) {
        this.committer = committer;
        this.job = job;
        this.jobTrackerId = jobTrackerId;
    }

    /** Sets up a job writing under {@code dir}. */
    static CommitProtocolJob setUp(SparkSession spark, Configuration conf, String dir) throws IOException {
        String protocol = spark.conf().get("spark.sql.sources.commitProtocolClass", DEFAULT_PROTOCOL);
        FileCommitProtocol committer = FileCommitProtocol.instantiate(protocol, UUID.randomUUID().toString(), dir, false);
        Job job = Job.getInstance(new Configuration(conf));
        job.setOutputKeyClass(Void.class);
        job.setOutputValueClass(Void.class);
        FileOutputFormat.setOutputPath(job, new Path(dir));
        committer.setupJob(job);
        return new CommitProtocolJob(committer, job, SparkHadoopWriterUtils.createJobTrackerID(new Date()));
    }

    FileCommitProtocol committer() {
        return committer;
    }

    Configuration configuration() {
        return job.getConfiguration();
    }

    String jobTrackerId() {
        return jobTrackerId;
    }

    /** Makes the committed task attempts' files visible (the fenced protocols check the run's attempt first). */
    void commit(List<FileCommitProtocol.TaskCommitMessage> messages) {
        for (FileCommitProtocol.TaskCommitMessage m : messages) {
            committer.onTaskCommit(m);
        }
        committer.commitJob(job, scala.jdk.javaapi.CollectionConverters.asScala(messages).toList());
    }

    /** Discards every attempt's files. */
    void abort() {
        committer.abortJob(job);
    }

    /** The Hadoop context of attempt {@code attemptNumber} of task {@code partition} of this job (stage {@code stage}). */
    static TaskAttemptContext taskContext(Configuration jobConf, String jobTrackerId, int stage, int partition,
                                          int attemptNumber) {
        org.apache.hadoop.mapred.JobID jobId = SparkHadoopWriterUtils.createJobID(jobTrackerId, stage);
        TaskAttemptID taskAttemptId = new TaskAttemptID(new TaskID(jobId, TaskType.MAP, partition), attemptNumber);
        Configuration c = new Configuration(jobConf);
        c.set("mapreduce.job.id", jobId.toString());
        c.set("mapreduce.task.id", taskAttemptId.getTaskID().toString());
        c.set("mapreduce.task.attempt.id", taskAttemptId.toString());
        c.setBoolean("mapreduce.task.ismap", true);
        c.setInt("mapreduce.task.partition", 0);
        return new TaskAttemptContextImpl(c, taskAttemptId);
    }
}
