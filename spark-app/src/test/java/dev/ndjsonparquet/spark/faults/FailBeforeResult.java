package dev.ndjsonparquet.spark.faults;

import dev.ndjsonparquet.spark.commit.Checkpoints;

/**
 * Fails the driver once its data is committed and checked, before the table commit and the result record:
 * a driver that dies there. Also used by the end-to-end stand-in of spark-operator for its zombie drivers
 * (a child JVM, hence a class named by {@link Checkpoints#CLASS_SETTING}).
 */
public final class FailBeforeResult implements Checkpoints {

    @Override
    public void reached(Point point, int attempt) {
        if (point == Point.RESULT) {
            throw new InjectedFailure("before the result record (attempt " + attempt + ")");
        }
    }
}
