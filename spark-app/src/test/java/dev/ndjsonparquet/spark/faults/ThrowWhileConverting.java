package dev.ndjsonparquet.spark.faults;

import dev.ndjsonparquet.spark.commit.Checkpoints;

/**
 * Throws while the {@value #LINE}th non-blank line of every split is converted, as a defect of a converter would:
 * the last-resort guard must make that line a bad record ({@code internal error: ...}) and let the task go on.
 */
public final class ThrowWhileConverting implements Checkpoints {

    public static final long LINE = 3;

    @Override
    public void reached(Point point, int attempt) {
    }

    @Override
    public void converting(int splitIndex, long nonBlankLine) {
        if (nonBlankLine == LINE) {
            throw new IllegalStateException("a converter defect on line " + LINE + " of split " + splitIndex);
        }
    }
}
