package dev.ndjsonparquet.spark.faults;

/** The failure a test's checkpoint throws: tests can tell it from a real one. */
public final class InjectedFailure extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public InjectedFailure(String where) {
        super("injected failure " + where);
    }
}
