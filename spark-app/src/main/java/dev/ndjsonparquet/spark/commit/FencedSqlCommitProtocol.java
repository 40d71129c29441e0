package dev.ndjsonparquet.spark.commit;

import org.apache.hadoop.mapreduce.JobContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;

/** Spark's default commit protocol (file systems with atomic rename), with the attempt checked before the job commit. */
public class FencedSqlCommitProtocol extends SQLHadoopMapReduceCommitProtocol {

    private static final long serialVersionUID = 1L;
    private final String jobId;

    public FencedSqlCommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
        super(jobId, path, dynamicPartitionOverwrite);
        this.jobId = jobId;
    }

    @Override
    public void commitJob(JobContext jobContext, scala.collection.immutable.Seq<FileCommitProtocol.TaskCommitMessage> taskCommits) {
        FencedCommits.beforeJobCommit(jobId);
        super.commitJob(jobContext, taskCommits);
    }
}
