package dev.ndjsonparquet.spark.write;

import java.io.Serializable;
import org.apache.spark.internal.io.FileCommitProtocol;

/** What one successful task attempt hands back: its statistics and its commit message. */
public record ColumnarTaskResult(SplitStats stats, FileCommitProtocol.TaskCommitMessage commit, long slowLines)
        implements Serializable {
}
