package dev.ndjsonparquet.spark.commit;

/**
 * This driver's attempt is no longer the current one for its manifest (a newer attempt started, or
 * another run wrote the result record). The run stops where it is: nothing more is committed, deleted
 * or recorded. Unchecked, so that it can leave Spark's job commit unchanged.
 */
public final class SupersededAttemptException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SupersededAttemptException(String message) {
        super(message);
    }

    /** The exception itself when it is (or causes) the error, else null. */
    public static SupersededAttemptException in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SupersededAttemptException s) {
                return s;
            }
        }
        return null;
    }
}
