package dev.ndjsonparquet.tools.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The packaged spark-tools (its jar and {@code target/lib}, spark-app among them, built by the reactor's package phase before the
 * integration tests) as the stand-in operator starts it: a child JVM, Spark in local mode with one core, the
 * --add-opens list the launcher script uses. Skips the test, saying why, when spark-tools is not packaged.
 */
final class SparkAppClasspath {

    private SparkAppClasspath() {
    }

    static SparkOperatorStandIn.Launch locateOrSkip() {
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
        List<String> options = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String opens = System.getProperty("ndjsonparquet.sparkJavaOpts", "");
        if (!opens.isBlank()) {
            options.addAll(Arrays.asList(opens.trim().split("\\s+")));
        }
        return new SparkOperatorStandIn.Launch(Path.of(System.getProperty("java.home"), "bin", "java"),
                jar + File.pathSeparator + target.resolve("lib") + File.separator + "*", options,
                Map.of("spark.master", "local[1]",
                        "spark.ui.enabled", "false",
                        "spark.ui.showConsoleProgress", "false",
                        "spark.driver.host", "127.0.0.1",
                        "spark.driver.bindAddress", "127.0.0.1",
                        "spark.sql.shuffle.partitions", "2"));
    }
}
