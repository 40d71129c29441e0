package dev.ndjsonparquet.spark.faults;

import dev.ndjsonparquet.spark.commit.Checkpoints;
import org.apache.spark.TaskContext;

/**
 * Fails the first attempt of every task after its split's first {@value #LINES} non-blank lines, as an executor lost
 * halfway (a spot node reclaimed): Spark runs the task again inside the same job, and the second attempt goes
 * through. Named by {@link Checkpoints#CLASS_SETTING}, so each task instantiates it on its executor.
 */
public final class FailFirstAttemptAfterLines implements Checkpoints {

    public static final long LINES = 50;

    @Override
    public void reached(Point point, int attempt) {
    }

    @Override
    public void lineRead(int splitIndex, long nonBlankLine) {
        TaskContext task = TaskContext.get();
        if (nonBlankLine > LINES && task != null && task.attemptNumber() == 0) {
            throw new InjectedFailure("in the first attempt of split " + splitIndex + " after " + LINES + " lines");
        }
    }
}
