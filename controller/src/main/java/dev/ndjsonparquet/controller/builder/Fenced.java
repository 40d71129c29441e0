package dev.ndjsonparquet.controller.builder;

/**
 * Thrown when an engine finds that a newer engine of the same owner has started (its term was raised) or
 * has taken one of its batches: the engine must stop at once and leave everything to the newer one.
 */
public final class Fenced extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Fenced(String message) {
        super(message);
    }
}
