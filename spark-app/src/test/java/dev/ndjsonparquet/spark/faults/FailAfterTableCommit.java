package dev.ndjsonparquet.spark.faults;

import dev.ndjsonparquet.spark.commit.Checkpoints;

/** Fails the driver after the Iceberg commit and before the result record. */
public final class FailAfterTableCommit implements Checkpoints {

    @Override
    public void reached(Point point, int attempt) {
        if (point == Point.TABLE_COMMITTED) {
            throw new InjectedFailure("after the table commit (attempt " + attempt + ")");
        }
    }
}
