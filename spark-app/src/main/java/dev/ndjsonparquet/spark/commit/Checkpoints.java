package dev.ndjsonparquet.spark.commit;

import java.io.IOException;

/**
 * The points of a manifest's run where its attempt fence is checked. Production passes {@link #NONE};
 * tests pass a listener to act at a precise point (start a newer attempt, overwrite an input), so
 * fault injection lives in test code.
 */
@FunctionalInterface
public interface Checkpoints {

    /** Where the run is. */
    enum Point {
        /** The files are checked and split, nothing is converted yet. */
        PLANNED,
        /** A Spark write of this run is about to commit its job (files become visible). */
        DATA_COMMIT,
        /** Rows are committed; rows of quarantined files are about to be removed. */
        CLEANUP,
        /** Everything is written and checked; the result record is next. */
        RESULT
    }

    Checkpoints NONE = (point, attempt) -> { };

    void reached(Point point, int attempt) throws IOException;
}
