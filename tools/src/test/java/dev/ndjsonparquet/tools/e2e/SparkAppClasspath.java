package dev.ndjsonparquet.tools.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ndjsonparquet.tools.local.SparkLaunch;
import dev.ndjsonparquet.tools.local.SparkToolsPackage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged spark-tools ({@link SparkToolsPackage}) as the scenarios' operator starts it (a {@link SparkLaunch}): a child
 * JVM, Spark in local mode with one core, the --add-opens list the launcher script uses. Skips the test, saying why, when
 * spark-tools is not packaged.
 */
final class SparkAppClasspath {

    private SparkAppClasspath() {
    }

    static SparkLaunch locateOrSkip() {
        SparkToolsPackage tools = SparkToolsPackage.locateOrSkip();
        // spark-app's test classes hold the fault-injecting checkpoints a zombie driver is started with (Operator).
        Path faults = Path.of(System.getProperty("ndjsonparquet.sparkAppTestClasses", "../spark-app/target/test-classes"))
                .toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(faults.resolve("dev/ndjsonparquet/spark/faults")),
                "skipped: spark-app's test classes (fault-injecting checkpoints) are not in " + faults
                        + "; build them first (mvn -DskipTests package compiles them)");
        List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        options.addAll(SparkLaunch.splitOptions(System.getProperty("ndjsonparquet.sparkJavaOpts", "")));
        // One core and 512 MB a driver: local[1], the UI off, the driver on 127.0.0.1 (SparkLaunch's local settings).
        return new SparkLaunch(SparkLaunch.currentJava(), tools.classpath() + File.pathSeparator + faults,
                options, 1, "512m");
    }
}
