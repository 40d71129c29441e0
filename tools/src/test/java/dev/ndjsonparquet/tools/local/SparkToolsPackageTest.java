package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The integration tests refuse a spark-tools package that is not this build's (issue 25). */
class SparkToolsPackageTest {

    @TempDir
    Path dir;

    private SparkToolsPackage packageWith(byte[] copiedSparkApp, Instant jarTime) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("spark-tools/target/lib"));
        Files.write(lib.resolve("spark-app-0.1.0-SNAPSHOT.jar"), copiedSparkApp);
        Path jar = Files.write(dir.resolve("spark-tools/target/spark-tools-0.1.0-SNAPSHOT.jar"), new byte[] {1});
        Files.setLastModifiedTime(jar, FileTime.from(jarTime));
        return new SparkToolsPackage(jar, lib);
    }

    private Path sparkAppTarget(byte[] built) throws IOException {
        Path target = Files.createDirectories(dir.resolve("spark-app/target"));
        Files.write(target.resolve("spark-app-0.1.0-SNAPSHOT.jar"), built);
        return target;
    }

    private Path classes(Instant compiled) throws IOException {
        Path c = Files.createDirectories(dir.resolve("spark-tools/target/classes/dev"));
        Files.setLastModifiedTime(Files.write(c.resolve("SparkCli.class"), new byte[] {2}), FileTime.from(compiled));
        return c.getParent();
    }

    @Test
    void aPackageOfThisBuildIsAccepted() throws IOException {
        Instant now = Instant.parse("2026-12-07T04:00:00Z");
        SparkToolsPackage p = packageWith(new byte[] {7, 7}, now);
        assertNull(p.staleness(sparkAppTarget(new byte[] {7, 7}), classes(now.minusSeconds(5))));
    }

    @Test
    void aSparkAppJarOfAnotherBuildInItsLibIsRefused() throws IOException {
        Instant now = Instant.parse("2026-12-07T04:00:00Z");
        SparkToolsPackage p = packageWith(new byte[] {7, 7}, now);
        String why = p.staleness(sparkAppTarget(new byte[] {7, 8}), classes(now.minusSeconds(5)));
        assertEquals("spark-app-0.1.0-SNAPSHOT.jar in its lib differs from " + dir.resolve("spark-app/target/spark-app-0.1.0-SNAPSHOT.jar"), why);
    }

    @Test
    void aJarOlderThanItsCompiledClassesIsRefused() throws IOException {
        Instant now = Instant.parse("2026-12-07T04:00:00Z");
        SparkToolsPackage p = packageWith(new byte[] {7, 7}, now);
        String why = p.staleness(sparkAppTarget(new byte[] {7, 7}), classes(now.plusSeconds(60)));
        assertTrue(why != null && why.startsWith("spark-tools-0.1.0-SNAPSHOT.jar is older than"), why);
    }
}
