package dev.ndjsonparquet.spark.commit;

import java.io.IOException;

/**
 * The points of a manifest's run where something becomes visible or is about to: where the attempt fence
 * is checked, after the table commit, and each line a task reads. Production runs with {@link #NONE};
 * tests pass a listener to act at a precise point (start a newer attempt, overwrite an input, fail the
 * run), so fault injection lives in test code.
 *
 * <p>Two ways in. A test in the driver's JVM passes an instance ({@code ManifestConversion.withCheckpoints}).
 * Points reached in tasks run on executors, from a deserialised closure, and a driver started as a child
 * process (the end-to-end stand-in of spark-operator) gets no object from its test: there the Spark setting
 * {@link #CLASS_SETTING} names a class with a public no-argument constructor, which the driver and each
 * task instantiate. The class is loaded only when the setting is given; production never gives it.
 */
@FunctionalInterface
public interface Checkpoints {

    /**
     * Spark setting: the class implementing {@code Checkpoints} to instantiate in the driver and in every
     * task. Not a declared setting of the application (nothing a user configures): absent, nothing is loaded.
     */
    String CLASS_SETTING = "spark.ndjsonparquet.checkpoints.class";

    /** Where the run is. */
    enum Point {
        /** The files are checked and split, nothing is converted yet. */
        PLANNED,
        /** A Spark write of this run is about to commit its job (files become visible). */
        DATA_COMMIT,
        /** Rows are committed; rows of quarantined files are about to be removed. */
        CLEANUP,
        /** The bad records are written (not visible yet) and their job commit is about to make them visible. */
        BAD_RECORDS,
        /** Everything is written and checked; the table commit (output mode Iceberg) and result record are next. */
        RESULT,
        /** Output mode Iceberg: the manifest is appended to its tables; the result record is next. */
        TABLE_COMMITTED
    }

    Checkpoints NONE = (point, attempt) -> { };

    /** In the driver: the run reached {@code point}. */
    void reached(Point point, int attempt) throws IOException;

    /**
     * In a task: the task of split {@code splitIndex} read its {@code nonBlankLine}-th non-blank line (1-based)
     * and is about to turn it into a row or a bad record.
     */
    default void lineRead(int splitIndex, long nonBlankLine) {
    }

    /**
     * In a task: the line just reported by {@link #lineRead} is being converted; called inside the converters'
     * last-resort guard, so what it throws is what a converter's defect would throw (the line becomes a bad record
     * with reason {@code internal error: ...}, the task goes on).
     */
    default void converting(int splitIndex, long nonBlankLine) {
    }

    /**
     * In a task: the split is read to its end, its rows handed to the writer and its bad records' staging file
     * closed; the attempt's output is about to be committed (what an executor lost at the last moment leaves).
     */
    default void splitRead(int splitIndex, long nonBlankLines) {
    }

    /** The checkpoints the named class gives, or {@link #NONE} when no class is named. */
    static Checkpoints load(String className) {
        if (className == null || className.isBlank()) {
            return NONE;
        }
        try {
            Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : Checkpoints.class.getClassLoader());
            if (!Checkpoints.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException(CLASS_SETTING + "=" + className + " does not implement "
                        + Checkpoints.class.getName());
            }
            return (Checkpoints) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(CLASS_SETTING + "=" + className + " cannot be instantiated: " + e, e);
        }
    }
}
