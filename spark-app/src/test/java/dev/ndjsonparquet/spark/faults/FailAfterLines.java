package dev.ndjsonparquet.spark.faults;

import dev.ndjsonparquet.spark.commit.Checkpoints;

/**
 * Fails every task after its split's first {@value #LINES} non-blank lines, as an executor dying halfway:
 * a retry must replace the partial output. Named by {@link Checkpoints#CLASS_SETTING}, so each task
 * instantiates it on its executor.
 */
public final class FailAfterLines implements Checkpoints {

    public static final long LINES = 50;

    @Override
    public void reached(Point point, int attempt) {
    }

    @Override
    public void lineRead(int splitIndex, long nonBlankLine) {
        if (nonBlankLine > LINES) {
            throw new InjectedFailure("after " + LINES + " lines of split " + splitIndex);
        }
    }
}
