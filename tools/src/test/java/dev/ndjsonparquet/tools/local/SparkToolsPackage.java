package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The packaged spark-tools the integration tests start Spark applications from: its jar and {@code target/lib} (spark-app among
 * them), built by the reactor's package phase before the integration tests ({@code tools} declares spark-tools as a build-order
 * dependency, so {@code -pl tools -am} builds it too); {@code -Dndjsonparquet.sparkToolsTarget} points elsewhere. One place for
 * the local ITs ({@link SparkAppBuild}), the e2e scenarios ({@code SparkAppClasspath}) and the soak's IT.
 *
 * <p>It must be this build's: the spark-app jar in its lib must be byte for byte the spark-app jar of this build
 * ({@code spark-app/target}), and the spark-tools jar no older than spark-tools' compiled classes; a stale package fails the
 * test, saying how to rebuild it, rather than testing yesterday's code.
 */
public record SparkToolsPackage(Path jar, Path lib) {

    /** The package, or the test skipped (saying how to build it) when it is not there; a stale one fails the test. */
    public static SparkToolsPackage locateOrSkip() {
        Path target = Path.of(System.getProperty("ndjsonparquet.sparkToolsTarget", "../spark-tools/target")).toAbsolutePath().normalize();
        Path jar = Files.isDirectory(target) ? jar(target, "spark-tools").orElse(null) : null;
        assumeTrue(jar != null && Files.isDirectory(target.resolve("lib")),
                "skipped: the spark-tools jar and its lib directory are not in " + target
                        + "; build them first (mvn -DskipTests package, or run the integration tests with mvn verify)");
        SparkToolsPackage p = new SparkToolsPackage(jar, target.resolve("lib"));
        String stale = p.staleness(target.getParent().getParent().resolve("spark-app/target"), target.resolve("classes"));
        assertTrue(stale == null, "the spark-tools package in " + target + " is not this build's: " + stale
                + "; rebuild it (mvn -DskipTests package, or -pl tools -am, which now includes spark-tools)");
        return p;
    }

    /**
     * Why this package is not the build of these sources, or null: its spark-app jar differs from {@code sparkAppTarget}'s, or
     * its jar is older than a class in {@code classes}. A location without a built jar is not compared.
     */
    String staleness(Path sparkAppTarget, Path classes) {
        Optional<Path> built = Files.isDirectory(sparkAppTarget) ? jar(sparkAppTarget, "spark-app") : Optional.empty();
        if (built.isPresent()) {
            Optional<Path> copied = jar(lib, "spark-app");
            if (copied.isEmpty()) {
                return "its lib has no spark-app jar";
            }
            if (!sha256(copied.get()).equals(sha256(built.get()))) {
                return copied.get().getFileName() + " in its lib differs from " + built.get();
            }
        }
        if (Files.isDirectory(classes)) {
            try (Stream<Path> s = Files.walk(classes)) {
                FileTime jarTime = Files.getLastModifiedTime(jar);
                Optional<Path> newer = s.filter(f -> f.toString().endsWith(".class")).filter(f -> {
                    try {
                        return Files.getLastModifiedTime(f).compareTo(jarTime) > 0;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).findFirst();
                if (newer.isPresent()) {
                    return jar.getFileName() + " is older than " + newer.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }

    private static Optional<Path> jar(Path dir, String artifact) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(artifact + "-[0-9].*\\.jar")
                    && !p.getFileName().toString().endsWith("-sources.jar") && !p.getFileName().toString().endsWith("-tests.jar"))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The jar and every jar of its lib directory, as a Java class path. */
    public String classpath() {
        return jar + File.pathSeparator + lib + File.separator + "*";
    }
}
