package dev.ndjsonparquet.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the team's shared folder ({@code crds/}, {@code k8s-schemas/}, {@code corpus/}) is: the system
 * property {@code ndjsonparquet.shared} (the root pom's Surefire configuration sets it), else
 * {@code ../shared} next to the repository, looked up from the working directory (a module or the root).
 */
public final class SharedDir {

    public static final String PROPERTY = "ndjsonparquet.shared";

    private SharedDir() {
    }

    public static Path path() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank() && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured).normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path candidate : new Path[] {cwd.resolve("../../shared"), cwd.resolve("../shared")}) {
            if (Files.isDirectory(candidate.resolve("crds"))) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException("shared folder not found: set -D" + PROPERTY
                + " (looked in ../shared and ../../shared from " + cwd + ")");
    }

    public static Path resolve(String relative) {
        return path().resolve(relative);
    }
}
