package dev.ndjsonparquet.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths inside the repository, found from the {@code ndjsonparquet.root} property (set by this module's pom) or the working directory. */
final class Repo {

    private Repo() {
    }

    static Path root() {
        String configured = System.getProperty("ndjsonparquet.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "charts"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isDirectory(cwd.resolve("charts")) ? cwd : cwd.getParent();
    }

    static Path chart() {
        return root().resolve("charts/ndjson-parquet");
    }

    static Path manifests() {
        return root().resolve("manifests/k8s");
    }

    /** True when generated files should be rewritten instead of compared (scripts/render-manifests.sh sets it). */
    static boolean regenerate() {
        return Boolean.getBoolean("ndjsonparquet.regenerate");
    }
}
