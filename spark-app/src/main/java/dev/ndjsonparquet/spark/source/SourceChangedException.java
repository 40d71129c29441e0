package dev.ndjsonparquet.spark.source;

import java.io.IOException;

/**
 * The file a task opens is no longer the version the manifest was planned against (overwritten,
 * replaced or deleted). Not retried: the file is quarantined and none of its rows are kept.
 */
public final class SourceChangedException extends IOException {

    private static final long serialVersionUID = 1L;

    public SourceChangedException(String message) {
        super(message);
    }

    public SourceChangedException(String message, Throwable cause) {
        super(message, cause);
    }
}
