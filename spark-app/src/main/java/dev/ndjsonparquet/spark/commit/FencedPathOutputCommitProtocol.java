package dev.ndjsonparquet.spark.commit;

import org.apache.hadoop.mapreduce.JobContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.internal.io.cloud.PathOutputCommitProtocol;

/** The S3A committers' protocol (magic committer on S3), with the attempt checked before the job commit. */
public class FencedPathOutputCommitProtocol extends PathOutputCommitProtocol {

    private static final long serialVersionUID = 1L;
    private final String jobId;

    public FencedPathOutputCommitProtocol(String jobId, String dest, boolean dynamicPartitionOverwrite) {
        super(jobId, dest, dynamicPartitionOverwrite);
        this.jobId = jobId;
    }

    @Override
    public void commitJob(JobContext jobContext, scala.collection.immutable.Seq<FileCommitProtocol.TaskCommitMessage> taskCommits) {
        FencedCommits.beforeJobCommit(jobId);
        super.commitJob(jobContext, taskCommits);
    }
}
