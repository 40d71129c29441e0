package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The packaged spark-tools the integration tests start Spark applications from: its jar and {@code target/lib} (spark-app among
 * them), built by the reactor's package phase before the integration tests; {@code -Dndjsonparquet.sparkToolsTarget} points
 * elsewhere. One place for the local ITs ({@link SparkAppBuild}) and the e2e scenarios ({@code SparkAppClasspath}).
 */
public record SparkToolsPackage(Path jar, Path lib) {

    /** The package, or the test skipped (saying how to build it) when it is not there. */
    public static SparkToolsPackage locateOrSkip() {
        Path target = Path.of(System.getProperty("ndjsonparquet.sparkToolsTarget", "../spark-tools/target")).toAbsolutePath().normalize();
        Path jar = null;
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                jar = s.filter(p -> p.getFileName().toString().matches("spark-tools-[0-9].*\\.jar")
                        && !p.getFileName().toString().endsWith("-sources.jar") && !p.getFileName().toString().endsWith("-tests.jar"))
                        .findFirst().orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assumeTrue(jar != null && Files.isDirectory(target.resolve("lib")),
                "skipped: the spark-tools jar and its lib directory are not in " + target
                        + "; build them first (mvn -DskipTests package, or run the integration tests with mvn verify)");
        return new SparkToolsPackage(jar, target.resolve("lib"));
    }

    /** The jar and every jar of its lib directory, as a Java class path. */
    public String classpath() {
        return jar + File.pathSeparator + lib + File.separator + "*";
    }
}
