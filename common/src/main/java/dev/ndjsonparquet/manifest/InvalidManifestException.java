package dev.ndjsonparquet.manifest;

import java.util.List;

/** A manifest (or manifest message) that cannot be used, with every problem found in it. */
public class InvalidManifestException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidManifestException(List<String> problems) {
        super("invalid manifest: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidManifestException(String problem, Throwable cause) {
        super("invalid manifest: " + problem, cause);
        this.problems = List.of(problem);
    }

    public List<String> problems() {
        return problems;
    }
}
