package dev.ndjsonparquet.spark.faults;

import dev.ndjsonparquet.spark.commit.Checkpoints;
import org.apache.spark.TaskContext;

/**
 * Fails the first attempt of every task once its split is read to the end, with its rows written and its bad
 * records' staging file closed, just before the attempt commits: an executor lost at the last moment. Spark runs
 * the task again inside the same job; whatever the first attempt left behind must not reach the output. Named by
 * {@link Checkpoints#CLASS_SETTING}, so each task instantiates it on its executor.
 */
public final class FailFirstAttemptAtTheEndOfItsSplit implements Checkpoints {

    @Override
    public void reached(Point point, int attempt) {
    }

    @Override
    public void splitRead(int splitIndex, long nonBlankLines) {
        TaskContext task = TaskContext.get();
        if (task != null && task.attemptNumber() == 0) {
            throw new InjectedFailure("in the first attempt of split " + splitIndex + " after all its " + nonBlankLines
                    + " lines, before its commit");
        }
    }
}
